using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// Finds a key sent more than once in one JSON object. Readers disagree on such a body (this
/// app's parser keeps the last value, many others the first), so the body has no one meaning and
/// what was checked and signed may not be what a consumer reads.
/// </summary>
internal static class DuplicateKeys
{
    /// <summary>
    /// The path of the first key sent again in its object (<c>grantType</c>,
    /// <c>additionalInfo.channel</c>, <c>items[1].id</c>), or <see langword="null"/> when every
    /// object's keys are unique. Names compare after unescaping, as every reader compares them; a
    /// name no encoder can write (an escaped lone surrogate) compares, and is named, as sent.
    /// </summary>
    public static string? FirstIn(JsonElement element, string path = "")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in element.EnumerateObject())
                {
                    var name = NameOf(property, out var identity);
                    var keyPath = path.Length == 0 ? name : path + "." + name;
                    if (!seen.Add(identity))
                    {
                        return keyPath;
                    }

                    if (FirstIn(property.Value, keyPath) is { } nested)
                    {
                        return nested;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstIn(item, $"{path}[{index++}]") is { } nested)
                    {
                        return nested;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    /// <summary>The name as readers see it, or its escaped text when it cannot be decoded (then prefixed in <paramref name="identity"/> by a lone surrogate, which no decoded name holds).</summary>
    private static string NameOf(JsonProperty property, out string identity)
    {
        try
        {
            identity = property.Name;
            return identity;
        }
        catch (InvalidOperationException)
        {
            var raw = Encoding.UTF8.GetString(JsonMarshal.GetRawUtf8PropertyName(property));
            identity = "\uD800" + raw;
            return raw;
        }
    }
}
