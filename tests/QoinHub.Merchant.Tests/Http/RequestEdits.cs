using System.Net.Http.Headers;
using System.Text;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>Edits a case table makes to a signed request, each returning the request for chaining.</summary>
internal static class RequestEdits
{
    public static HttpRequestMessage Without(this HttpRequestMessage request, string header)
    {
        request.Headers.Remove(header);
        return request;
    }

    /// <summary>Replaces a header, unvalidated so malformed values go out as written.</summary>
    public static HttpRequestMessage With(this HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
        return request;
    }

    public static HttpRequestMessage WithContentType(this HttpRequestMessage request, string? mediaType)
    {
        request.Content!.Headers.ContentType = mediaType is null ? null : new MediaTypeHeaderValue(mediaType);
        return request;
    }

    /// <summary>Sends another body as application/json, leaving the headers (and signature) as they were.</summary>
    public static HttpRequestMessage WithJsonBody(this HttpRequestMessage request, string body)
    {
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return request;
    }

    /// <summary>Method, target, every header and the body: two requests that describe alike send the same thing.</summary>
    public static async Task<string> DescribeAsync(this HttpRequestMessage request)
    {
        // Content-Length is listed among the headers only once something has asked for it: ask first.
        _ = request.Content?.Headers.ContentLength;
        var text = new StringBuilder();
        text.Append(request.Method).Append(' ').Append(request.RequestUri).Append('\n');
        var headers = request.Headers.NonValidated.Select(header => (header.Key, Value: header.Value.ToString()));
        if (request.Content is not null)
        {
            headers = headers.Concat(request.Content.Headers.NonValidated.Select(header => (header.Key, Value: header.Value.ToString())));
        }

        foreach (var (name, value) in headers.OrderBy(header => header.Key, StringComparer.OrdinalIgnoreCase))
        {
            text.Append(name).Append(": ").Append(value).Append('\n');
        }

        text.Append('\n');
        if (request.Content is not null)
        {
            text.Append(Encoding.UTF8.GetString(await request.Content.ReadAsByteArrayAsync()));
        }

        return text.ToString();
    }
}
