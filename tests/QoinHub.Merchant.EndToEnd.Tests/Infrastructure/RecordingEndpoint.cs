using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A deliberately lax endpoint on Kestrel (127.0.0.1): it issues a token to anyone and accepts every
/// notification, and records each request. The conformance checks must fail it; <c>notify</c>'s
/// requests are verified from the recordings.
/// </summary>
internal sealed class RecordingEndpoint : IAsyncDisposable
{
    private readonly List<RecordedRequest> _requests = [];
    private readonly List<string> _tokens = [];
    private readonly Lock _gate = new();
    private LoopbackWebServer _server = null!;

    private RecordingEndpoint()
    {
    }

    public Uri BaseUrl { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Every token this endpoint issued, so the tests can check it never reaches the output in full.</summary>
    public IReadOnlyList<string> IssuedTokens
    {
        get
        {
            lock (_gate)
            {
                return [.. _tokens];
            }
        }
    }

    public static async Task<RecordingEndpoint> StartAsync(string pathBase = "")
    {
        var endpoint = new RecordingEndpoint();
        endpoint._server = await LoopbackWebServer.StartAsync(app => app.MapPost("/{**path}", endpoint.AnswerAsync));
        endpoint.BaseUrl = new Uri(endpoint._server.BaseAddress.GetLeftPart(UriPartial.Authority) + pathBase);
        return endpoint;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task AnswerAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var request = new RecordedRequest(
            context.Request.Path.Value!,
            context.Request.Headers.ToDictionary(header => header.Key, header => header.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body.ToArray());
        string answer;
        lock (_gate)
        {
            _requests.Add(request);
            if (request.Path.EndsWith("/api/v1.0/access-token/b2b", StringComparison.Ordinal))
            {
                var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
                _tokens.Add(token);
                answer = $"{{\"responseCode\":\"2007300\",\"responseMessage\":\"Successful\",\"accessToken\":\"{token}\",\"tokenType\":\"Bearer\",\"expiresIn\":\"900\",\"additionalInfo\":{{}}}}";
            }
            else
            {
                answer = "{\"responseCode\":\"2005600\",\"responseMessage\":\"Successful\"}";
            }
        }

        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(answer));
    }
}

internal sealed record RecordedRequest(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"{Path} had no {name} header.");
}
