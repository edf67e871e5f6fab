using Xunit.Abstractions;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>A case of a table: a named row whose request and expected answer are data, not a name to switch on.</summary>
public interface ITableCase<TSelf>
    where TSelf : class, ITableCase<TSelf>
{
    /// <summary>The row's name in test output; unique within <see cref="All"/>.</summary>
    string Name { get; }

    /// <summary>Every case of the table.</summary>
    static abstract IReadOnlyList<TSelf> All { get; }
}

/// <summary>Makes a case table into theory data.</summary>
public static class TheoryCase
{
    /// <summary>Every case of the table, one theory row each.</summary>
    public static TheoryData<TheoryCase<T>> Table<T>()
        where T : class, ITableCase<T>
    {
        var data = new TheoryData<TheoryCase<T>>();
        foreach (var @case in T.All)
        {
            data.Add(new TheoryCase<T>(@case));
        }

        return data;
    }
}

/// <summary>
/// One row of a case table as a theory argument. xunit serialises it by the case's name and finds the
/// case again in the table, so each case stays its own test, named after the case; a name that is
/// not in the table fails instead of sending something else.
/// </summary>
public sealed class TheoryCase<T> : IXunitSerializable
    where T : class, ITableCase<T>
{
    private T? _case;
    private string _name = string.Empty;

    [Obsolete("Called by xunit's deserializer.", error: true)]
    public TheoryCase()
    {
    }

    public TheoryCase(T @case)
    {
        _case = @case;
        _name = @case.Name;
    }

    /// <summary>The case; a row whose name no longer finds exactly one case fails here, when it runs.</summary>
    public T Case => _case ?? throw new InvalidOperationException(
        $"{T.All.Count(@case => @case.Name == _name)} cases of {typeof(T).Name} are named '{_name}': a row needs exactly one.");

    public void Serialize(IXunitSerializationInfo info)
    {
        info.AddValue(nameof(ITableCase<T>.Name), _name);
    }

    public void Deserialize(IXunitSerializationInfo info)
    {
        _name = info.GetValue<string>(nameof(ITableCase<T>.Name));
        var found = T.All.Where(@case => @case.Name == _name).Take(2).ToList();
        _case = found.Count == 1 ? found[0] : null;
    }

    public override string ToString() => _name;
}
