using QoinHub.Simulator.Http;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Output;

/// <summary>Shortens tokens and signatures before they reach the terminal (terminal output ends up in CI logs and tickets).</summary>
public static class Redaction
{
    public static string Shorten(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length < 16 ? "…" : $"{value[..6]}…{value[^4..]} ({value.Length} chars)";
    }

    public static string HeaderValue(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (string.Equals(name, SnapHeaderNames.Signature, StringComparison.OrdinalIgnoreCase))
        {
            return Shorten(value);
        }

        if (string.Equals(name, SnapHeaderNames.Authorization, StringComparison.OrdinalIgnoreCase))
        {
            var space = value.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? Shorten(value) : value[..(space + 1)] + Shorten(value[(space + 1)..]);
        }

        return value;
    }

    /// <summary>The request as it went out, with the signature and token shortened.</summary>
    public static void WriteRequest(TextWriter output, SnapEndpoint endpoint, SnapHttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(request);
        output.WriteLine($"POST {endpoint.UrlOf(request.Path)}");
        foreach (var (name, value) in request.Headers)
        {
            output.WriteLine($"{name}: {HeaderValue(name, value)}");
        }

        output.WriteLine();
        output.WriteLine(System.Text.Encoding.UTF8.GetString(request.Body.Span));
    }

    /// <summary>The answer; <paramref name="sensitiveFields"/> (e.g. accessToken) are shortened unless <paramref name="showSensitive"/>.</summary>
    public static void WriteResponse(TextWriter output, SnapHttpResponse response, bool showSensitive = false, params string[] sensitiveFields)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(response);
        if (response.TransportError is { } error)
        {
            output.WriteLine($"No answer after {response.Elapsed.TotalMilliseconds:0} ms: {error}");
            return;
        }

        output.WriteLine($"HTTP {response.Status} ({response.Elapsed.TotalMilliseconds:0} ms)");
        var body = response.Body;
        if (!showSensitive)
        {
            foreach (var field in sensitiveFields)
            {
                if (response.Field(field) is { Length: > 0 } value)
                {
                    body = body.Replace(value, Shorten(value), StringComparison.Ordinal);
                }
            }
        }

        output.WriteLine(body);
    }
}
