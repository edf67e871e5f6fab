using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;

namespace QoinHub.Merchant.Tests.Partners;

/// <summary>
/// Key Vault's secrets API behind an Azure.Core transport: a real <see cref="SecretClient"/> talks to
/// it, so the tests see the secret names on the wire, the challenge authentication, status codes and
/// the SDK's own error handling. Nothing leaves the process.
/// </summary>
internal sealed class FakeKeyVault : HttpMessageHandler
{
    public static readonly Uri VaultUri = new("https://partners-test.vault.azure.net/");

    private readonly ConcurrentDictionary<string, string> _secrets = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<string> _requestedNames = new();
    private readonly SemaphoreSlim _heldArrivals = new(0);
    private volatile TaskCompletionSource? _hold;

    /// <summary>Names of the secrets read (authenticated GETs), in order.</summary>
    public IReadOnlyList<string> RequestedNames => [.. _requestedNames];

    /// <summary>When set, every read is answered with this status.</summary>
    public HttpStatusCode? FailWith { get; set; }

    /// <summary>When set, every read fails as if the vault's address could not be reached.</summary>
    public bool Unreachable { get; set; }

    public void SetSecret(string name, string value) => _secrets[name] = value;

    public void DeleteSecret(string name) => _secrets.TryRemove(name, out _);

    /// <summary>Holds every read until <see cref="Release"/>, so that a test can act while a refresh runs.</summary>
    public void Hold() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _hold?.TrySetResult();

    /// <summary>Waits until <paramref name="count"/> reads are being held.</summary>
    public async Task WaitForHeldReadsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Assert.True(await _heldArrivals.WaitAsync(TimeSpan.FromSeconds(10)), "the read never reached Key Vault");
        }
    }

    public SecretClient CreateClient(TokenCredential? credential = null)
    {
        var options = new SecretClientOptions { Transport = new HttpClientTransport(this) };
        options.Retry.MaxRetries = 0;
        return new SecretClient(VaultUri, credential ?? new FakeTokenCredential(), options);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Assert.Equal(VaultUri.Host, request.RequestUri!.Host);
        if (request.Headers.Authorization is null)
        {
            // Key Vault's challenge: the SDK learns the tenant and scope from it, then sends the request again with a token.
            var challenge = new HttpResponseMessage(HttpStatusCode.Unauthorized);
            challenge.Headers.TryAddWithoutValidation(
                "WWW-Authenticate",
                "Bearer authorization=\"https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001\", resource=\"https://vault.azure.net\"");
            return challenge;
        }

        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal($"Bearer {FakeTokenCredential.Token}", request.Headers.Authorization.ToString());
        var segments = request.RequestUri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("secrets", segments[0]);
        var name = Uri.UnescapeDataString(segments[1]);
        _requestedNames.Enqueue(name);

        if (_hold is { } hold)
        {
            _heldArrivals.Release();
            await hold.Task.WaitAsync(cancellationToken);
        }

        if (Unreachable)
        {
            throw new HttpRequestException("Name or service not known (partners-test.vault.azure.net:443)");
        }

        if (FailWith is { } status)
        {
            return Json(status, ErrorBody(status.ToString(), "The request could not be served."));
        }

        if (!_secrets.TryGetValue(name, out var value))
        {
            return Json(HttpStatusCode.NotFound, ErrorBody("SecretNotFound", $"A secret with (name/id) {name} was not found in this key vault."));
        }

        var secret = new JsonObject
        {
            ["value"] = value,
            ["id"] = new Uri(VaultUri, $"secrets/{name}/0f3c1a7e9b2d4c6e8a0b1c2d3e4f5a6b").ToString(),
            ["attributes"] = new JsonObject { ["enabled"] = true, ["created"] = 1_700_000_000, ["updated"] = 1_700_000_000 },
        };
        return Json(HttpStatusCode.OK, secret);
    }

    private static JsonObject ErrorBody(string code, string message) =>
        new() { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } };

    private static HttpResponseMessage Json(HttpStatusCode status, JsonObject body) =>
        new(status) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _heldArrivals.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class FakeTokenCredential : TokenCredential
    {
        public const string Token = "fake-access-token";

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(Token, DateTimeOffset.UtcNow.AddHours(1));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
