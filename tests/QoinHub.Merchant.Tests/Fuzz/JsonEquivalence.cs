using System.Text.Json;

namespace QoinHub.Merchant.Tests.Fuzz;

/// <summary>
/// The fuzz oracle's own notion of "the same JSON": same structure, same member order, strings equal
/// after unescaping, numbers equal as written. Independent of the app's readings, on purpose.
/// </summary>
internal static class JsonEquivalence
{
    public static bool Same(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        try
        {
            using var left = JsonDocument.Parse(a.ToArray());
            using var right = JsonDocument.Parse(b.ToArray());
            return Same(left.RootElement, right.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// True when some object of the JSON holds a key twice (names compared unescaped, by the
    /// parser's own duplicate check); false for unique keys and for text that is not JSON.
    /// </summary>
    public static bool HasDuplicateKeys(ReadOnlySpan<byte> json)
    {
        var bytes = json.ToArray();
        try
        {
            using var lenient = JsonDocument.Parse(bytes);
        }
        catch (JsonException)
        {
            return false;
        }

        try
        {
            using var strict = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowDuplicateProperties = false });
            return false;
        }
        catch (JsonException)
        {
            return true;
        }
    }

    private static bool Same(JsonElement a, JsonElement b)
    {
        if (a.ValueKind != b.ValueKind)
        {
            return false;
        }

        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var leftMembers = a.EnumerateObject().ToList();
                var rightMembers = b.EnumerateObject().ToList();
                return leftMembers.Count == rightMembers.Count
                    && leftMembers.Zip(rightMembers).All(pair => pair.First.Name == pair.Second.Name && Same(pair.First.Value, pair.Second.Value));
            case JsonValueKind.Array:
                var leftItems = a.EnumerateArray().ToList();
                var rightItems = b.EnumerateArray().ToList();
                return leftItems.Count == rightItems.Count && leftItems.Zip(rightItems).All(pair => Same(pair.First, pair.Second));
            case JsonValueKind.String:
                return a.GetString() == b.GetString();
            case JsonValueKind.Number:
                return a.GetRawText() == b.GetRawText();
            default:
                return true;
        }
    }
}
