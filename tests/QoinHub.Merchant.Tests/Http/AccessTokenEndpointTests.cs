using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Tests.Http;

public sealed class AccessTokenEndpointTests : IClassFixture<SnapAppFactory>, IDisposable
{
    private readonly SnapAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();

    public AccessTokenEndpointTests(SnapAppFactory app)
    {
        _app = app;
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        _client = new SnapClient(app.CreateClient(), app.Clock);
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Valid_request_gets_a_token_recorded_by_its_hash()
    {
        using var request = _client.TokenRequest(_key, Fixtures.Vectors.ClientId);
        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, body) = await SnapClient.ReadAsync(response);

        Assert.Equal(200, status);
        Assert.Equal("2007300", code);
        Assert.Equal("Successful", message);
        var token = body.GetProperty("accessToken").GetString()!;
        Assert.Matches("^[A-Za-z0-9_-]{43,}$", token);
        Assert.Equal("Bearer", body.GetProperty("tokenType").GetString());
        Assert.Equal("900", body.GetProperty("expiresIn").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, body.GetProperty("additionalInfo").ValueKind);
        Assert.Equal(Fixtures.Vectors.ClientId, response.Headers.GetValues(SnapHeaders.ClientKey).Single());
        Assert.True(SnapTimestamp.TryParse(response.Headers.GetValues(SnapHeaders.Timestamp).Single(), out var answeredAt));
        Assert.Equal(_app.Clock.GetUtcNow(), answeredAt);

        var table = new TableClient(_app.StorageConnectionString, _app.TokenTable);
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));
        var rows = table.Query<TableEntity>(row => row.PartitionKey == hash).ToList();
        var row = Assert.Single(rows);
        Assert.Equal(Fixtures.Vectors.ClientId, row.GetString("ClientId"));
        Assert.Equal(_app.Clock.GetUtcNow(), row.GetDateTimeOffset("IssuedAt"));
        Assert.Equal(_app.Clock.GetUtcNow().AddMinutes(15), row.GetDateTimeOffset("ExpiresAt"));
        Assert.DoesNotContain(row, pair => pair.Value is string text && text.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Each_request_gets_a_different_token()
    {
        var first = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        var second = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        Assert.NotEqual(first, second);
        Assert.Equal(AccessTokenGenerator.RandomBytes, Convert.FromBase64String(first.Replace('-', '+').Replace('_', '/') + "=").Length);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json;charset=UTF-8")]
    [InlineData("Application/JSON")]
    public async Task Content_type_with_parameters_is_accepted(string contentType)
    {
        using var request = _client.TokenRequest(_key, Fixtures.Vectors.ClientId);
        request.Content!.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await _client.Http.SendAsync(request);
        Assert.Equal("2007300", (await SnapClient.ReadAsync(response)).Code);
    }

    [Fact]
    public async Task Body_without_additionalInfo_is_accepted()
    {
        using var request = _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: """{"grantType":"client_credentials"}""");
        using var response = await _client.Http.SendAsync(request);
        Assert.Equal("2007300", (await SnapClient.ReadAsync(response)).Code);
    }

    public static TheoryData<int> TokenVectors => SnapVectors.Indexes("tokenRequests");

    [Theory]
    [MemberData(nameof(TokenVectors))]
    public async Task Token_request_vector_gets_its_expected_answer_over_http(int index)
    {
        var vector = Fixtures.Vectors.TokenRequests.ElementAt(index);
        var timestamp = vector.GetProperty("timestamp").GetString()!;
        Assert.True(SnapTimestamp.TryParse(timestamp, out var moment));
        _app.Clock.SetUtcNow(moment);

        using var request = new HttpRequestMessage(HttpMethod.Post, SnapClient.TokenPath)
        {
            Content = new StringContent(SnapClient.TokenBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.ClientKey, vector.GetProperty("clientKey").GetString());
        request.Headers.Add(SnapHeaders.Signature, vector.GetProperty("signature").GetString());
        using var response = await _client.Http.SendAsync(request);
        var (status, code, _, _) = await SnapClient.ReadAsync(response);

        if (vector.GetProperty("valid").GetBoolean())
        {
            Assert.Equal((200, "2007300"), (status, code));
        }
        else if (vector.GetProperty("clientKey").GetString() != Fixtures.Vectors.ClientId)
        {
            // The other client key is not registered at all.
            Assert.Equal((401, "4017300"), (status, code));
        }
        else
        {
            Assert.Equal((400, "4007302"), (status, code));
        }
    }

    public static TheoryData<string, int, string, string> BadRequests => new()
    {
        { "missing X-TIMESTAMP", 400, "4007302", "X-TIMESTAMP" },
        { "missing X-CLIENT-KEY", 400, "4007302", "X-CLIENT-KEY" },
        { "missing X-SIGNATURE", 400, "4007302", "X-SIGNATURE" },
        { "missing Content-Type", 400, "4007302", "Content-Type" },
        { "timestamp without zone", 400, "4007301", "X-TIMESTAMP" },
        { "timestamp not a date", 400, "4007301", "X-TIMESTAMP" },
        { "stale timestamp", 401, "4017300", "outside the allowed window" },
        { "future timestamp", 401, "4017300", "outside the allowed window" },
        { "unknown client", 401, "4017300", "Unknown client" },
        { "signature of another client", 400, "4007302", "Invalid Signature" },
        { "signature over another timestamp", 400, "4007302", "Invalid Signature" },
        { "signature not Base64", 400, "4007301", "X-SIGNATURE" },
        { "signature random bytes", 400, "4007302", "Invalid Signature" },
        { "wrong grantType", 400, "4007301", "grantType" },
        { "missing grantType", 400, "4007302", "grantType" },
        { "additionalInfo not an object", 400, "4007301", "additionalInfo" },
        { "not JSON", 400, "4007300", "not valid JSON" },
        { "JSON array", 400, "4007300", "JSON object" },
        { "wrong content type", 400, "4007300", "Content-Type" },
        { "oversized body", 400, "4007300", "larger than" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_token_request_is_refused_with_its_SNAP_code(string @case, int expectedStatus, string expectedCode, string messageNames)
    {
        using var other = RSA.Create(2048);
        var now = _client.Now();
        using var request = @case switch
        {
            "unknown client" => _client.TokenRequest(_key, "Nobody"),
            "signature of another client" => _client.TokenRequest(other, Fixtures.Vectors.ClientId),
            "stale timestamp" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, SnapTimestamp.Format(_app.Clock.GetUtcNow().AddMinutes(-5).AddSeconds(-1))),
            "future timestamp" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, SnapTimestamp.Format(_app.Clock.GetUtcNow().AddMinutes(5).AddSeconds(1))),
            "timestamp without zone" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, "2024-08-23T07:44:12"),
            "timestamp not a date" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, "yesterday"),
            "wrong grantType" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: """{"grantType":"password","additionalInfo":{}}"""),
            "missing grantType" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: """{"additionalInfo":{}}"""),
            "additionalInfo not an object" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: """{"grantType":"client_credentials","additionalInfo":"x"}"""),
            "not JSON" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: "grantType=client_credentials"),
            "JSON array" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: "[]"),
            "oversized body" => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, body: $$$"""{"grantType":"client_credentials","additionalInfo":{"pad":"{{{new string('x', 40_000)}}}"}}"""),
            _ => _client.TokenRequest(_key, Fixtures.Vectors.ClientId, now),
        };

        switch (@case)
        {
            case "missing X-TIMESTAMP":
                request.Headers.Remove(SnapHeaders.Timestamp);
                break;
            case "missing X-CLIENT-KEY":
                request.Headers.Remove(SnapHeaders.ClientKey);
                break;
            case "missing X-SIGNATURE":
                request.Headers.Remove(SnapHeaders.Signature);
                break;
            case "missing Content-Type":
                request.Content!.Headers.ContentType = null;
                break;
            case "wrong content type":
                request.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                break;
            case "signature over another timestamp":
                request.Headers.Remove(SnapHeaders.Signature);
                request.Headers.Add(SnapHeaders.Signature, AsymmetricSignature.Sign(_key, Fixtures.Vectors.ClientId, SnapTimestamp.Format(_app.Clock.GetUtcNow().AddSeconds(-1))));
                break;
            case "signature not Base64":
                request.Headers.Remove(SnapHeaders.Signature);
                request.Headers.Add(SnapHeaders.Signature, "not*base64!");
                break;
            case "signature random bytes":
                request.Headers.Remove(SnapHeaders.Signature);
                request.Headers.Add(SnapHeaders.Signature, Convert.ToBase64String(RandomNumberGenerator.GetBytes(256)));
                break;
        }

        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, body) = await SnapClient.ReadAsync(response);

        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedCode, code);
        Assert.Contains(messageNames, message, StringComparison.Ordinal);
        Assert.False(body.TryGetProperty("accessToken", out _));
    }
}
