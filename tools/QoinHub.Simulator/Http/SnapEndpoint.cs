using System.Net;
using System.Net.Http.Headers;

namespace QoinHub.Simulator.Http;

/// <summary>
/// The merchant endpoint under test. Every request goes to <see cref="BaseUrl"/>'s scheme, host and
/// port, with the base URL's path (if any) in front of the SNAP route; redirects are not followed
/// and no proxy is used, so nothing is ever sent anywhere else.
/// </summary>
public sealed class SnapEndpoint(HttpClient http, Uri baseUrl, TimeProvider clock)
{
    /// <summary>QoinHub's fixed routes below the merchant's base URL.</summary>
    public const string AccessTokenRoute = "/api/v1.0/access-token/b2b";

    public const string NotifyRoute = "/api/v1.0/debit/notify";

    public Uri BaseUrl => baseUrl;

    public string AccessTokenPath => PathOf(AccessTokenRoute);

    public string NotifyPath => PathOf(NotifyRoute);

    /// <summary>The path the app receives (and QoinHub signs by default): the base URL's path plus the route.</summary>
    public string PathOf(string route) => baseUrl.AbsolutePath.TrimEnd('/') + route;

    public Uri UrlOf(string path) => new(baseUrl, path);

    public async Task<SnapHttpResponse> SendAsync(SnapHttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var message = new HttpRequestMessage(HttpMethod.Post, UrlOf(request.Path));
        var content = new ReadOnlyMemoryContent(request.Body);
        message.Content = content;
        foreach (var (name, value) in request.Headers)
        {
            // Without validation: the checks send malformed values on purpose.
            var added = string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase)
                ? content.Headers.TryAddWithoutValidation(name, value)
                : message.Headers.TryAddWithoutValidation(name, value);
            if (!added)
            {
                throw new InvalidOperationException($"The header {name} cannot be sent.");
            }
        }

        var started = clock.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return SnapHttpResponse.Received((int)response.StatusCode, body, clock.GetElapsedTime(started));
        }
        catch (HttpRequestException exception)
        {
            return SnapHttpResponse.Failed(Describe(exception), clock.GetElapsedTime(started));
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return SnapHttpResponse.Failed($"no answer within {http.Timeout.TotalSeconds:0.#} s", clock.GetElapsedTime(started));
        }
    }

    /// <summary>Parses and checks a <c>--base-url</c>: absolute http(s), no query or fragment.</summary>
    public static Uri ParseBaseUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"--base-url '{text}' is not an absolute http:// or https:// URL.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new ArgumentException($"--base-url '{text}' must not carry a query or fragment.");
        }

        return uri;
    }

    public static HttpClient CreateHttpClient(TimeSpan timeout, int maxConnections)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        };
        var client = new HttpClient(handler, disposeHandler: true) { Timeout = timeout };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("QoinHub.Simulator", "1.0"));
        return client;
    }

    private static string Describe(HttpRequestException exception)
    {
        var inner = exception.InnerException?.Message;
        return inner is null || exception.Message.Contains(inner, StringComparison.Ordinal) ? exception.Message : $"{exception.Message} ({inner})";
    }
}
