using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.EndToEnd.Tests.Durability;

/// <summary>
/// Plays QoinHub with the primary development partner of <c>dev-keys</c>: a signed Access Token B2B
/// request, then signed notifications, over plain HTTP to the app's process.
/// </summary>
internal sealed class SignedCaller : IDisposable
{
    public const string TokenPath = "/api/v1.0/access-token/b2b";
    public const string NotifyPath = "/api/v1.0/debit/notify";

    private readonly HttpClient _http;
    private readonly RSA _privateKey = RSA.Create();
    private readonly string _secret;

    public SignedCaller(DevCredentials credentials, Uri baseUrl)
    {
        ClientId = Path.GetFileName(credentials.PrimaryDirectory);
        _privateKey.ImportFromPem(File.ReadAllText(Path.Combine(credentials.PrimaryDirectory, "private.pem")));
        _secret = File.ReadAllText(Path.Combine(credentials.PrimaryDirectory, "client-secret.txt")).Trim();

        // No client time-out: the tests decide how long a call may hang, and a killed app ends it.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = baseUrl, Timeout = Timeout.InfiniteTimeSpan };
    }

    public string ClientId { get; }

    public static string NotificationBody(string originalReferenceNo) =>
        $$"""{"additionalInfo":{},"createdTime":"2025-07-06T14:12:49+07:00","latestTransactionStatus":"00","originalPartnerReferenceNo":"e2e-durability","originalReferenceNo":"{{originalReferenceNo}}","transactionStatusDesc":"Success"}""";

    public async Task<string> GetTokenAsync()
    {
        using var request = TokenRequest();
        using var response = await _http.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("accessToken").GetString()!;
    }

    /// <summary>Sends a signed token request; completes with the answer's status code.</summary>
    public async Task<int> TokenStatusAsync()
    {
        using var request = TokenRequest();
        using var response = await _http.SendAsync(request);
        return (int)response.StatusCode;
    }

    private HttpRequestMessage TokenRequest()
    {
        var timestamp = SnapTimestamp.Format(DateTimeOffset.UtcNow);
        var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
        {
            Content = new StringContent("""{"grantType":"client_credentials","additionalInfo":{}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.ClientKey, ClientId);
        request.Headers.Add(SnapHeaders.Signature, AsymmetricSignature.Sign(_privateKey, ClientId, timestamp));
        return request;
    }

    /// <summary>Sends a signed notification; completes with the answer's status code, or fails when the connection is cut.</summary>
    public async Task<int> NotifyAsync(string token, string externalId, string body, CancellationToken cancellationToken)
    {
        var timestamp = SnapTimestamp.Format(DateTimeOffset.UtcNow);
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, NotifyPath) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SnapHeaders.Authorization, "Bearer " + token);
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.Signature, SymmetricSignature.Sign(_secret, "POST", NotifyPath, token, bytes, timestamp));
        request.Headers.Add(SnapHeaders.PartnerId, ClientId);
        request.Headers.Add(SnapHeaders.ExternalId, externalId);
        request.Headers.Add(SnapHeaders.ChannelId, "95221");
        using var response = await _http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }

    public void Dispose()
    {
        _http.Dispose();
        _privateKey.Dispose();
    }
}
