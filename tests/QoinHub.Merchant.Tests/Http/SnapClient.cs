using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>Plays QoinHub in tests: signs token requests and notifications as the SNAP spec says.</summary>
internal sealed class SnapClient(HttpClient http, TimeProvider clock)
{
    public const string TokenPath = "/api/v1.0/access-token/b2b";
    public const string NotifyPath = "/api/v1.0/debit/notify";

    public static readonly string TokenBody = """{"grantType":"client_credentials","additionalInfo":{}}""";

    public HttpClient Http => http;

    public static RSA VectorPrivateKey()
    {
        var key = RSA.Create();
        key.ImportFromPem(Fixtures.Vectors.PrivateKeyPem);
        return key;
    }

    public string Now() => SnapTimestamp.Format(clock.GetUtcNow());

    public HttpRequestMessage TokenRequest(RSA privateKey, string clientKey, string? timestamp = null, string? body = null)
    {
        timestamp ??= Now();
        var request = new HttpRequestMessage(HttpMethod.Post, TokenPath)
        {
            Content = new StringContent(body ?? TokenBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.ClientKey, clientKey);
        request.Headers.Add(SnapHeaders.Signature, AsymmetricSignature.Sign(privateKey, clientKey, timestamp));
        return request;
    }

    public async Task<string> GetTokenAsync(RSA privateKey, string clientKey)
    {
        using var request = TokenRequest(privateKey, clientKey);
        using var response = await http.SendAsync(request);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, json);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("accessToken").GetString()!;
    }

    public static string NotificationBody(string originalReferenceNo = "T24080000027", string status = "00", string partnerReference = "abcdefgh0017") =>
        $$"""{"additionalInfo":{},"createdTime":"2024-08-23T07:44:11+07:00","latestTransactionStatus":"{{status}}","originalPartnerReferenceNo":"{{partnerReference}}","originalReferenceNo":"{{originalReferenceNo}}","transactionStatusDesc":"Success"}""";

    /// <summary>A signed notification; the body is sent as given and signed minified (Base64).</summary>
    public HttpRequestMessage NotifyRequest(string token, string secret, string partnerId, string externalId, string body, string? timestamp = null, string path = NotifyPath, string channelId = "95221")
    {
        timestamp ??= Now();
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SnapHeaders.Authorization, "Bearer " + token);
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.Signature, SymmetricSignature.Sign(secret, "POST", path, token, Encoding.UTF8.GetBytes(body), timestamp));
        request.Headers.Add(SnapHeaders.PartnerId, partnerId);
        request.Headers.Add(SnapHeaders.ExternalId, externalId);
        request.Headers.Add(SnapHeaders.ChannelId, channelId);
        return request;
    }

    public static async Task<(int Status, string Code, string Message, JsonElement Body)> ReadAsync(HttpResponseMessage response)
    {
        var json = await response.Content.ReadAsStringAsync();
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement.Clone();
        return ((int)response.StatusCode, root.GetProperty("responseCode").GetString()!, root.GetProperty("responseMessage").GetString()!, root);
    }
}
