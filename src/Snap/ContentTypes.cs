using System.Net.Http.Headers;

namespace QoinHub.Merchant.Snap;

internal static class ContentTypes
{
    /// <summary>True for <c>application/json</c>, with or without parameters such as a charset (UTF-8 only).</summary>
    public static bool IsJson(string contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) ||
            !string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var charset = parsed.CharSet?.Trim('"');
        return charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }
}
