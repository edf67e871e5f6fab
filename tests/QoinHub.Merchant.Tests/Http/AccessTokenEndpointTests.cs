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

        // A new request is signed over a new X-TIMESTAMP (the same one again is a resent request).
        _app.Clock.Advance(TimeSpan.FromSeconds(1));
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

    internal static IReadOnlyList<BadTokenRequest> BadRequestCases { get; } =
    [
        new("missing X-TIMESTAMP", c => c.Request().Without(SnapHeaders.Timestamp), 400, "4007302", "X-TIMESTAMP"),
        new("missing X-CLIENT-KEY", c => c.Request().Without(SnapHeaders.ClientKey), 400, "4007302", "X-CLIENT-KEY"),
        new("missing X-SIGNATURE", c => c.Request().Without(SnapHeaders.Signature), 400, "4007302", "X-SIGNATURE"),
        new("missing Content-Type", c => c.Request().WithContentType(null), 400, "4007302", "Content-Type"),
        new("timestamp without zone", c => c.Request(timestamp: "2024-08-23T07:44:12"), 400, "4007301", "X-TIMESTAMP"),
        new("timestamp not a date", c => c.Request(timestamp: "yesterday"), 400, "4007301", "X-TIMESTAMP"),
        new("stale timestamp", c => c.Request(timestamp: SnapTimestamp.Format(c.Clock.GetUtcNow().AddMinutes(-5).AddSeconds(-1))), 401, "4017300", "outside the allowed window"),
        new("future timestamp", c => c.Request(timestamp: SnapTimestamp.Format(c.Clock.GetUtcNow().AddMinutes(5).AddSeconds(1))), 401, "4017300", "outside the allowed window"),
        new("unknown client", c => c.Request(clientKey: "Nobody"), 401, "4017300", "Unknown client"),
        new("signature of another client", SignedWithAnotherKey, 400, "4007302", "Invalid Signature"),
        new("signature over another timestamp", c => c.Request().With(SnapHeaders.Signature, AsymmetricSignature.Sign(c.Key, Fixtures.Vectors.ClientId, SnapTimestamp.Format(c.Clock.GetUtcNow().AddSeconds(-1)))), 400, "4007302", "Invalid Signature"),
        new("signature not Base64", c => c.Request().With(SnapHeaders.Signature, "not*base64!"), 400, "4007301", "X-SIGNATURE"),
        new("signature random bytes", c => c.Request().With(SnapHeaders.Signature, Convert.ToBase64String(RandomNumberGenerator.GetBytes(256))), 400, "4007302", "Invalid Signature"),
        new("wrong grantType", c => c.Request(body: """{"grantType":"password","additionalInfo":{}}"""), 400, "4007301", "grantType"),
        new("missing grantType", c => c.Request(body: """{"additionalInfo":{}}"""), 400, "4007302", "grantType"),
        new("additionalInfo not an object", c => c.Request(body: """{"grantType":"client_credentials","additionalInfo":"x"}"""), 400, "4007301", "additionalInfo"),
        new("not JSON", c => c.Request(body: "grantType=client_credentials"), 400, "4007300", "not valid JSON"),
        new("JSON array", c => c.Request(body: "[]"), 400, "4007300", "JSON object"),
        new("wrong content type", c => c.Request().WithContentType("text/plain"), 400, "4007300", "Content-Type"),
        new("oversized body", c => c.Request(body: $$$"""{"grantType":"client_credentials","additionalInfo":{"pad":"{{{new string('x', 40_000)}}}"}}"""), 400, "4007300", "larger than"),
    ];

    public static TheoryData<TheoryCase<BadTokenRequest>> BadRequests => TheoryCase.Table<BadTokenRequest>();

    private static HttpRequestMessage SignedWithAnotherKey(TokenRequestContext context)
    {
        using var other = RSA.Create(2048);
        return context.Request(key: other);
    }

    private TokenRequestContext Context() => new(_client, _key, _app.Clock);

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_token_request_is_refused_with_its_SNAP_code(TheoryCase<BadTokenRequest> row)
    {
        var @case = row.Case;
        using var request = @case.Build(Context());
        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, body) = await SnapClient.ReadAsync(response);

        // The name on both sides puts the case in the failure message.
        Assert.Equal((@case.Name, @case.Status, @case.Code), (@case.Name, status, code));
        Assert.True(message.Contains(@case.MessageNames, StringComparison.Ordinal), $"{@case.Name}: the message \"{message}\" does not contain \"{@case.MessageNames}\".");
        Assert.False(body.TryGetProperty("accessToken", out _), $"{@case.Name}: a token was issued.");
    }

    [Fact]
    public async Task Bad_token_request_cases_are_distinctly_named_and_each_changes_the_valid_request()
    {
        var cases = BadTokenRequest.All;
        Assert.Empty(cases.GroupBy(@case => @case.Name, StringComparer.Ordinal).Where(named => named.Count() > 1).Select(named => named.Key));

        using (var valid = Context().Request())
        using (var response = await _client.Http.SendAsync(valid))
        {
            Assert.Equal((200, "2007300"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        var unchanged = new List<string>();
        foreach (var @case in cases)
        {
            _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
            var context = Context();
            using var baseline = context.Request();
            using var request = @case.Build(context);
            if (await request.DescribeAsync() == await baseline.DescribeAsync())
            {
                unchanged.Add(@case.Name);
            }
        }

        Assert.Empty(unchanged);
    }
}

/// <summary>What a token case builds its request from: the vectors' client and key, the app's clock.</summary>
public sealed class TokenRequestContext
{
    private readonly SnapClient _client;

    internal TokenRequestContext(SnapClient client, RSA key, ManualClock clock)
    {
        _client = client;
        Key = key;
        Clock = clock;
    }

    /// <summary>The vectors' private key, the one registered for their client.</summary>
    public RSA Key { get; }

    public ManualClock Clock { get; }

    /// <summary>The valid request (the vectors' client, signed now with its key, the usual body), but for what is given.</summary>
    public HttpRequestMessage Request(RSA? key = null, string? clientKey = null, string? timestamp = null, string? body = null) =>
        _client.TokenRequest(key ?? Key, clientKey ?? Fixtures.Vectors.ClientId, timestamp, body);
}

/// <summary>A token request that must be refused: how it is built and the answer it must get.</summary>
/// <param name="Name">The case in test output.</param>
/// <param name="Build">Builds the request to send.</param>
/// <param name="Status">The HTTP status expected.</param>
/// <param name="Code">The SNAP responseCode expected.</param>
/// <param name="MessageNames">Text the responseMessage must contain.</param>
public sealed record BadTokenRequest(string Name, Func<TokenRequestContext, HttpRequestMessage> Build, int Status, string Code, string MessageNames)
    : ITableCase<BadTokenRequest>
{
    public static IReadOnlyList<BadTokenRequest> All => AccessTokenEndpointTests.BadRequestCases;

    public override string ToString() => Name;
}
