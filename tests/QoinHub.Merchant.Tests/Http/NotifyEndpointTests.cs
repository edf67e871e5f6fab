using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Tests.Http;

public sealed class NotifyEndpointTests : IClassFixture<SnapAppFactory>, IAsyncLifetime, IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly JsonSerializerOptions IndentedRelaxed = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static int s_externalId = 1000;
    private readonly SnapAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private string _token = string.Empty;

    public NotifyEndpointTests(SnapAppFactory app)
    {
        _app = app;
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        _client = new SnapClient(app.CreateClient(), app.Clock);
    }

    private static string Partner => Fixtures.Vectors.ClientId;

    private static string Secret => Fixtures.Vectors.ClientSecret;

    public async Task InitializeAsync()
    {
        _token = await _client.GetTokenAsync(_key, Partner);
        await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _key.Dispose();

    private static string NextExternalId() => "4180755335895" + Interlocked.Increment(ref s_externalId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Valid_notification_is_published_once_with_the_documented_envelope()
    {
        var externalId = NextExternalId();
        var body = SnapClient.NotificationBody("T-valid-1");
        using var request = _client.NotifyRequest(_token, Secret, Partner, externalId, body);
        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, _) = await SnapClient.ReadAsync(response);

        Assert.Equal((200, "2005600", "Successful"), (status, code, message));
        var queued = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal(Partner, queued.GetProperty("partnerId").GetString());
        Assert.Equal(externalId, queued.GetProperty("externalId").GetString());
        Assert.Equal("95221", queued.GetProperty("channelId").GetString());
        Assert.Equal(request.Headers.GetValues(SnapHeaders.Timestamp).Single(), queued.GetProperty("timestamp").GetString());
        Assert.Equal(body, queued.GetProperty("notification").GetRawText());
        Assert.Equal(64, queued.GetProperty("messageId").GetString()!.Length);
    }

    [Fact]
    public async Task Unknown_fields_are_kept_in_the_published_notification()
    {
        var body = """{"createdTime":"2024-08-23T07:44:11+07:00","latestTransactionStatus":"03","originalPartnerReferenceNo":"P-1","originalReferenceNo":"T-unknown-fields","transactionStatusDesc":"Pending","amount":{"value":"10000.00","currency":"IDR"},"extra":[1,2,null]}""";
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), body);
        using var response = await _client.Http.SendAsync(request);
        Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);

        var queued = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        var notification = queued.GetProperty("notification");
        Assert.Equal("IDR", notification.GetProperty("amount").GetProperty("currency").GetString());
        Assert.Equal(3, notification.GetProperty("extra").GetArrayLength());
    }

    public static TheoryData<int> NotificationVectors => SnapVectors.Indexes("notifications");

    [Theory]
    [MemberData(nameof(NotificationVectors))]
    public async Task Notification_vector_gets_its_expected_answer_over_http(int index)
    {
        var vector = Fixtures.Vectors.Notifications.ElementAt(index);
        var token = vector.GetProperty("accessToken").GetString()!;
        var timestamp = vector.GetProperty("timestamp").GetString()!;
        Assert.True(SnapTimestamp.TryParse(timestamp, out var moment));
        _app.Clock.SetUtcNow(moment);
        await SeedTokenAsync(token, Partner, moment.AddMinutes(-1), moment.AddMinutes(14));

        // The vectors share one payment fact, which the app publishes once ever: each vector starts
        // from an empty ledger (the app creates the table again on its next call).
        await new TableClient(_app.StorageConnectionString, _app.NotificationTable).DeleteAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, vector.GetProperty("path").GetString())
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(SnapHeaders.Authorization, "Bearer " + token);
        request.Headers.Add(SnapHeaders.Timestamp, timestamp);
        request.Headers.Add(SnapHeaders.Signature, vector.GetProperty("signature").GetString());
        request.Headers.Add(SnapHeaders.PartnerId, Partner);
        request.Headers.Add(SnapHeaders.ExternalId, NextExternalId());
        request.Headers.Add(SnapHeaders.ChannelId, "95221");
        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, _) = await SnapClient.ReadAsync(response);

        var published = await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName);
        if (vector.GetProperty("valid").GetBoolean())
        {
            Assert.Equal((200, "2005600"), (status, code));
            Assert.Single(published);
        }
        else
        {
            Assert.Equal((401, "4015600"), (status, code));
            Assert.Contains("Invalid signature", message, StringComparison.Ordinal);
            Assert.Empty(published);
        }
    }

    private async Task SeedTokenAsync(string token, string clientId, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var table = new TableClient(_app.StorageConnectionString, _app.TokenTable);
        await table.CreateIfNotExistsAsync();
        await table.UpsertEntityAsync(new TableEntity(AccessTokenGenerator.Hash(token), "token")
        {
            ["ClientId"] = clientId,
            ["IssuedAt"] = issuedAt,
            ["ExpiresAt"] = expiresAt,
        });
    }

    [Fact]
    public async Task Notification_signed_over_a_configured_public_path_is_accepted_only_for_that_path()
    {
        // The factory of this class configures no public paths: a gateway path is refused here...
        var body = SnapClient.NotificationBody("T-gateway");
        var timestamp = _client.Now();
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), body, timestamp);
        request.Headers.Remove(SnapHeaders.Signature);
        request.Headers.Add(SnapHeaders.Signature, SymmetricSignature.Sign(Secret, "POST", "/ordersnap/api/v1.0/debit/notify", _token, Encoding.UTF8.GetBytes(body), timestamp));
        using var response = await _client.Http.SendAsync(request);
        Assert.Equal("4015600", (await SnapClient.ReadAsync(response)).Code);

        // ...and accepted by an app that lists it.
        await using var gateway = new PublicPathAppFactory();
        gateway.Clock.SetUtcNow(_app.Clock.GetUtcNow());
        var client = new SnapClient(gateway.CreateClient(), gateway.Clock);
        var token = await client.GetTokenAsync(_key, Partner);
        using var signedForGateway = client.NotifyRequest(token, Secret, Partner, NextExternalId(), body, timestamp);
        signedForGateway.Headers.Remove(SnapHeaders.Signature);
        signedForGateway.Headers.Add(SnapHeaders.Signature, SymmetricSignature.Sign(Secret, "POST", PublicPathAppFactory.PublicPath, token, Encoding.UTF8.GetBytes(body), timestamp));
        using var accepted = await client.Http.SendAsync(signedForGateway);
        Assert.Equal("2005600", (await SnapClient.ReadAsync(accepted)).Code);
    }

    private sealed class PublicPathAppFactory : SnapAppFactory
    {
        public const string PublicPath = "/ordersnap/api/v1.0/debit/notify";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Snap:NotifyPaths:0", PublicPath)];
    }

    [Fact]
    public async Task Notification_signed_with_a_rotated_secret_is_accepted_by_either_secret()
    {
        await using var rotated = new RotatedSecretAppFactory();
        rotated.Clock.SetUtcNow(_app.Clock.GetUtcNow());
        var client = new SnapClient(rotated.CreateClient(), rotated.Clock);
        var token = await client.GetTokenAsync(_key, Partner);
        foreach (var secret in new[] { Secret, RotatedSecretAppFactory.NewSecret })
        {
            using var request = client.NotifyRequest(token, secret, Partner, NextExternalId(), SnapClient.NotificationBody("T-rotated-" + secret.Length));
            using var response = await client.Http.SendAsync(request);
            Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        }
    }

    private sealed class RotatedSecretAppFactory : SnapAppFactory
    {
        public const string NewSecret = "the-new-secret-after-rotation";

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Partners:0:ClientSecrets:1", NewSecret)];
    }

    [Fact]
    public async Task Replay_with_the_same_payload_is_answered_success_and_not_published_again()
    {
        var externalId = NextExternalId();
        var body = SnapClient.NotificationBody("T-replay");
        for (var attempt = 0; attempt < 3; attempt++)
        {
            // QoinHub's retry signs again with a fresh timestamp (same Jakarta day) and may re-format the body.
            _app.Clock.Advance(TimeSpan.FromSeconds(20));
            var sent = attempt == 1 ? JsonSerializer.Serialize(JsonDocument.Parse(body), Indented) : body;
            using var request = _client.NotifyRequest(_token, Secret, Partner, externalId, sent);
            using var response = await _client.Http.SendAsync(request);
            Assert.Equal((200, "2005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    [Fact]
    public async Task Same_external_id_with_another_payload_the_same_day_is_a_conflict()
    {
        var externalId = NextExternalId();
        using (var first = _client.NotifyRequest(_token, Secret, Partner, externalId, SnapClient.NotificationBody("T-conflict", "03")))
        using (var response = await _client.Http.SendAsync(first))
        {
            Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        }

        using (var second = _client.NotifyRequest(_token, Secret, Partner, externalId, SnapClient.NotificationBody("T-conflict", "00")))
        using (var response = await _client.Http.SendAsync(second))
        {
            var (status, code, message, _) = await SnapClient.ReadAsync(response);
            Assert.Equal((409, "4095600"), (status, code));
            Assert.Contains("X-EXTERNAL-ID", message, StringComparison.Ordinal);
        }

        var published = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal("03", published.GetProperty("notification").GetProperty("latestTransactionStatus").GetString());
    }

    [Fact]
    public async Task Same_external_id_on_another_Jakarta_day_is_a_new_notification()
    {
        var externalId = NextExternalId();
        var day1 = DateTimeOffset.Parse("2024-08-23T23:59:00+07:00", System.Globalization.CultureInfo.InvariantCulture);
        foreach (var moment in new[] { day1, day1.AddMinutes(2) })
        {
            _app.Clock.SetUtcNow(moment);
            var token = await _client.GetTokenAsync(_key, Partner);
            using var request = _client.NotifyRequest(token, Secret, Partner, externalId, SnapClient.NotificationBody("T-days-" + moment.Minute));
            using var response = await _client.Http.SendAsync(request);
            Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        }

        Assert.Equal(2, (await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName)).Count);
    }

    [Fact]
    public async Task Fifty_concurrent_identical_notifications_leave_one_message()
    {
        var externalId = NextExternalId();
        var body = SnapClient.NotificationBody("T-concurrent");
        var timestamp = _client.Now();
        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var request = _client.NotifyRequest(_token, Secret, Partner, externalId, body, timestamp);
            using var response = await _client.Http.SendAsync(request);
            return (await SnapClient.ReadAsync(response)).Code;
        }));

        Assert.All(answers, code => Assert.Equal("2005600", code));
        Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    internal static IReadOnlyList<BadNotification> BadRequestCases { get; } =
    [
        new("missing Authorization", c => c.Request().Without(SnapHeaders.Authorization), 400, "4005602", "Authorization"),
        new("missing X-TIMESTAMP", c => c.Request().Without(SnapHeaders.Timestamp), 400, "4005602", "X-TIMESTAMP"),
        new("missing X-SIGNATURE", c => c.Request().Without(SnapHeaders.Signature), 400, "4005602", "X-SIGNATURE"),
        new("missing X-PARTNER-ID", c => c.Request().Without(SnapHeaders.PartnerId), 400, "4005602", "X-PARTNER-ID"),
        new("missing X-EXTERNAL-ID", c => c.Request().Without(SnapHeaders.ExternalId), 400, "4005602", "X-EXTERNAL-ID"),
        new("missing CHANNEL-ID", c => c.Request().Without(SnapHeaders.ChannelId), 400, "4005602", "CHANNEL-ID"),
        new("missing Content-Type", c => c.Request().WithContentType(null), 400, "4005602", "Content-Type"),
        new("Authorization not Bearer", c => c.Request().With(SnapHeaders.Authorization, "Basic " + c.Token), 400, "4005601", "Authorization"),
        new("X-EXTERNAL-ID not numeric", c => c.Request().With(SnapHeaders.ExternalId, "41807-ABC"), 400, "4005601", "X-EXTERNAL-ID"),
        new("X-EXTERNAL-ID too long", c => c.Request().With(SnapHeaders.ExternalId, new string('7', 37)), 400, "4005601", "X-EXTERNAL-ID"),
        new("X-TIMESTAMP malformed", c => c.Request().With(SnapHeaders.Timestamp, "2024-08-23 07:44:12"), 400, "4005601", "X-TIMESTAMP"),
        new("X-SIGNATURE neither Base64 nor hex", c => c.Request().With(SnapHeaders.Signature, "%%%signature%%%"), 400, "4005601", "X-SIGNATURE"),
        new("X-SIGNATURE Base64 of the wrong length", c => c.Request().With(SnapHeaders.Signature, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), 400, "4005601", "X-SIGNATURE"),
        new("wrong content type", c => c.Request().WithContentType("text/plain"), 400, "4005600", "Content-Type"),
        new("not JSON", c => c.Request(body: "createdTime=2024-08-23"), 400, "4005600", "not valid JSON"),
        new("oversized body", c => c.Request(body: c.Body.Replace("\"additionalInfo\":{}", $$"""
            "additionalInfo":{"pad":"{{new string('x', 40_000)}}"}
            """, StringComparison.Ordinal)), 400, "4005600", "larger than"),
        MissingField("createdTime"),
        MissingField("latestTransactionStatus"),
        MissingField("originalPartnerReferenceNo"),
        MissingField("originalReferenceNo"),
        MissingField("transactionStatusDesc"),
        new("status out of range", c => c.Request(body: SnapClient.NotificationBody("T-bad", "10")), 400, "4005601", "latestTransactionStatus"),
        new("createdTime not ISO-8601", c => c.Request(body: c.Body.Replace("2024-08-23T07:44:11+07:00", "23/08/2024 07:44", StringComparison.Ordinal)), 400, "4005601", "createdTime"),
        new("additionalInfo not an object", c => c.Request(body: c.Body.Replace("\"additionalInfo\":{}", "\"additionalInfo\":\"none\"", StringComparison.Ordinal)), 400, "4005601", "additionalInfo"),
        new("unknown token", c => c.Request(token: "never-issued-" + Guid.NewGuid().ToString("N")), 401, "4015601", "not issued"),
        new("expired token", ExpiredToken, 401, "4015601", "expired"),
        new("token of another partner", async c => c.Request(token: await c.OtherPartnerTokenAsync()), 401, "4015601", "another partner"),
        new("stale timestamp", c => c.Request(timestamp: SnapTimestamp.Format(c.Clock.GetUtcNow().AddMinutes(-5).AddSeconds(-1))), 401, "4015600", "outside the allowed window"),
        new("future timestamp", c => c.Request(timestamp: SnapTimestamp.Format(c.Clock.GetUtcNow().AddMinutes(5).AddSeconds(1))), 401, "4015600", "outside the allowed window"),
        new("tampered body", c => c.Request().WithJsonBody(c.Body.Replace("\"00\"", "\"06\"", StringComparison.Ordinal)), 401, "4015600", "Invalid signature"),
        new("signed with another secret", c => c.Request(secret: "not-the-registered-secret"), 401, "4015600", "Invalid signature"),
        new("signed over another token", SignedOverAnotherToken, 401, "4015600", "Invalid signature"),
        new("hex signature tampered", HexSignatureTampered, 401, "4015600", "Invalid signature"),
        new("unknown partner", c => c.Request(partner: "NoSuchPartner"), 401, "4015601", "another partner"),
    ];

    public static TheoryData<TheoryCase<BadNotification>> BadRequests => TheoryCase.Table<BadNotification>();

    private static BadNotification MissingField(string field) =>
        new("missing " + field, c => c.Request(body: WithoutField(c.Body, field)), 400, "4005602", field);

    private static string WithoutField(string body, string field)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
        node.Remove(field);
        return node.ToJsonString();
    }

    private static HttpRequestMessage ExpiredToken(NotifyContext context)
    {
        context.Clock.Advance(TimeSpan.FromMinutes(15));
        return context.Request();
    }

    private static HttpRequestMessage SignedOverAnotherToken(NotifyContext context)
    {
        var timestamp = context.Now();
        return context.Request(timestamp: timestamp)
            .With(SnapHeaders.Signature, SymmetricSignature.Sign(context.Secret, "POST", SnapClient.NotifyPath, "another-token", Encoding.UTF8.GetBytes(context.Body), timestamp));
    }

    private static HttpRequestMessage HexSignatureTampered(NotifyContext context)
    {
        var request = context.Request();
        var hex = Convert.ToHexStringLower(Convert.FromBase64String(request.Headers.GetValues(SnapHeaders.Signature).Single()));
        return request.With(SnapHeaders.Signature, (hex[0] == 'a' ? "b" : "a") + hex[1..]);
    }

    private NotifyContext Context() => new(_client, _app, _token, NextExternalId());

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_notification_is_refused_with_its_SNAP_code(TheoryCase<BadNotification> row)
    {
        var @case = row.Case;
        using var request = await @case.Build(Context());
        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, _) = await SnapClient.ReadAsync(response);

        // The name on both sides puts the case in the failure message.
        Assert.Equal((@case.Name, @case.Status, @case.Code), (@case.Name, status, code));
        Assert.True(message.Contains(@case.MessageNames, StringComparison.Ordinal), $"{@case.Name}: the message \"{message}\" does not contain \"{@case.MessageNames}\".");
        Assert.True((await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName)).Count == 0, $"{@case.Name}: the notification was published.");
    }

    [Fact]
    public async Task Bad_notification_cases_are_distinctly_named_and_each_changes_the_valid_request()
    {
        var cases = BadNotification.All;
        Assert.Empty(cases.GroupBy(@case => @case.Name, StringComparer.Ordinal).Where(named => named.Count() > 1).Select(named => named.Key));

        using (var valid = Context().Request())
        using (var response = await _client.Http.SendAsync(valid))
        {
            Assert.Equal((200, "2005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        var unchanged = new List<string>();
        foreach (var @case in cases)
        {
            _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
            var context = Context();
            using var baseline = context.Request();
            using var request = await @case.Build(context);
            if (await request.DescribeAsync() == await baseline.DescribeAsync())
            {
                unchanged.Add(@case.Name);
            }
        }

        Assert.Empty(unchanged);
    }

    private const string HonestBody = """{"originalPartnerReferenceNo":"ORD/2024/08/0017","originalReferenceNo":"T-variant","latestTransactionStatus":"00","transactionStatusDesc":"Lunas — café","createdTime":"2024-08-23T07:44:11+07:00","additionalInfo":{}}""";

    internal static IReadOnlyList<HonestSignature> HonestSignatureCases { get; } =
    [
        new("hex lowercase", AsIs, Minified, Convert.ToHexStringLower),
        new("hex uppercase", AsIs, Minified, Convert.ToHexString),
        new("php escaped signing", AsIs, sent => JsonReserializer.Serialize(JsonDocument.Parse(sent).RootElement, BodyForm.Php), Convert.ToBase64String),
        new("pretty body signed minified", body => JsonSerializer.Serialize(JsonDocument.Parse(body), IndentedRelaxed), Minified, Convert.ToBase64String),
    ];

    public static TheoryData<TheoryCase<HonestSignature>> HonestSignatures => TheoryCase.Table<HonestSignature>();

    private static string AsIs(string body) => body;

    private static byte[] Minified(string sent) => JsonMinifier.Minify(Encoding.UTF8.GetBytes(sent));

    /// <summary>The notification as the variant sends and signs it.</summary>
    private HttpRequestMessage HonestRequest(HonestSignature variant, string externalId, string timestamp)
    {
        // One payment fact per request, so each is published (a repeated fact is a replay).
        var sent = variant.Send(HonestBody.Replace("T-variant", "T-variant-" + externalId, StringComparison.Ordinal));
        var mac = SymmetricSignature.Compute(Secret, SymmetricSignature.StringToSign("POST", SnapClient.NotifyPath, _token, SymmetricSignature.BodyHash(variant.Hashed(sent)), timestamp));
        return _client.NotifyRequest(_token, Secret, Partner, externalId, sent, timestamp).With(SnapHeaders.Signature, variant.Encode(mac));
    }

    [Theory]
    [MemberData(nameof(HonestSignatures))]
    public async Task Honest_signature_variants_are_accepted(TheoryCase<HonestSignature> row)
    {
        var variant = row.Case;
        using var request = HonestRequest(variant, NextExternalId(), _client.Now());
        using var response = await _client.Http.SendAsync(request);

        // The name on both sides puts the case in the failure message.
        Assert.Equal((variant.Name, "2005600"), (variant.Name, (await SnapClient.ReadAsync(response)).Code));
        Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    [Fact]
    public async Task Honest_signature_variants_are_distinctly_named_and_each_differs_from_the_plain_request()
    {
        var variants = HonestSignature.All;
        Assert.Empty(variants.GroupBy(variant => variant.Name, StringComparer.Ordinal).Where(named => named.Count() > 1).Select(named => named.Key));

        var externalId = NextExternalId();
        var timestamp = _client.Now();
        using var plain = _client.NotifyRequest(_token, Secret, Partner, externalId, HonestBody, timestamp);
        var unchanged = new List<string>();
        foreach (var variant in variants)
        {
            using var request = HonestRequest(variant, externalId, timestamp);
            if (await request.DescribeAsync() == await plain.DescribeAsync())
            {
                unchanged.Add(variant.Name);
            }
        }

        Assert.Empty(unchanged);
    }
}

/// <summary>What a notification case builds its request from: this test's token and X-EXTERNAL-ID, the app's clock, the client.</summary>
public sealed class NotifyContext
{
    private readonly SnapClient _client;
    private readonly SnapAppFactory _app;

    internal NotifyContext(SnapClient client, SnapAppFactory app, string token, string externalId)
    {
        _client = client;
        _app = app;
        Token = token;
        ExternalId = externalId;
    }

    /// <summary>A token issued to the vectors' partner for this test.</summary>
    public string Token { get; }

    public string ExternalId { get; }

    public string Secret { get; } = Fixtures.Vectors.ClientSecret;

    public string Partner { get; } = Fixtures.Vectors.ClientId;

    /// <summary>The valid notification body.</summary>
    public string Body { get; } = SnapClient.NotificationBody("T-bad");

    public ManualClock Clock => _app.Clock;

    public string Now() => _client.Now();

    /// <summary>The valid request (signed now over what it sends), but for what is given.</summary>
    public HttpRequestMessage Request(string? body = null, string? token = null, string? secret = null, string? partner = null, string? timestamp = null) =>
        _client.NotifyRequest(token ?? Token, secret ?? Secret, partner ?? Partner, ExternalId, body ?? Body, timestamp ?? Now());

    /// <summary>A token issued to the app's other partner.</summary>
    public Task<string> OtherPartnerTokenAsync() => _client.GetTokenAsync(_app.OtherPrivateKey, SnapAppFactory.OtherClientId);
}

/// <summary>A notification that must be refused and not published: how it is built and the answer it must get.</summary>
/// <param name="Name">The case in test output.</param>
/// <param name="Build">Builds the request to send.</param>
/// <param name="Status">The HTTP status expected.</param>
/// <param name="Code">The SNAP responseCode expected.</param>
/// <param name="MessageNames">Text the responseMessage must contain.</param>
public sealed record BadNotification(string Name, Func<NotifyContext, Task<HttpRequestMessage>> Build, int Status, string Code, string MessageNames)
    : ITableCase<BadNotification>
{
    /// <summary>A case whose request is built without waiting on anything.</summary>
    public BadNotification(string name, Func<NotifyContext, HttpRequestMessage> build, int status, string code, string messageNames)
        : this(name, context => Task.FromResult(build(context)), status, code, messageNames)
    {
    }

    public static IReadOnlyList<BadNotification> All => NotifyEndpointTests.BadRequestCases;

    public override string ToString() => Name;
}

/// <summary>An honest way to sign a notification that must be accepted.</summary>
/// <param name="Name">The case in test output.</param>
/// <param name="Send">The body sent, from the notification.</param>
/// <param name="Hashed">The bytes whose hash is signed, from the body sent.</param>
/// <param name="Encode">The X-SIGNATURE value, from the HMAC.</param>
public sealed record HonestSignature(string Name, Func<string, string> Send, Func<string, byte[]> Hashed, Func<byte[], string> Encode)
    : ITableCase<HonestSignature>
{
    public static IReadOnlyList<HonestSignature> All => NotifyEndpointTests.HonestSignatureCases;

    public override string ToString() => Name;
}
