using System.Collections.Concurrent;

namespace QoinHub.Simulator.Output;

/// <summary>
/// Every token, signature and secret a run used, so that answers, queue messages and (with
/// <c>--sensitive-out</c>) the app's own logs can be searched for them. Values shorter than
/// <see cref="MinimumLength"/> are not tracked: they would match by chance.
/// </summary>
public sealed class SensitiveValues
{
    public const int MinimumLength = 16;

    private readonly ConcurrentDictionary<string, byte> _values = new(StringComparer.Ordinal);

    public int Count => _values.Count;

    public void Add(string? value)
    {
        if (value is { Length: >= MinimumLength })
        {
            _values.TryAdd(value, 0);
        }
    }

    /// <summary>The first tracked value that occurs in <paramref name="text"/>, or null.</summary>
    public string? FindIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var value in _values.Keys)
        {
            if (text.Contains(value, StringComparison.Ordinal))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Writes the values one per line, readable by the current user only (the file is as secret as its content).</summary>
    public void WriteTo(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var writer = new StreamWriter(Path.GetFullPath(path), options);
        foreach (var value in _values.Keys.Order(StringComparer.Ordinal))
        {
            writer.WriteLine(value);
        }
    }
}
