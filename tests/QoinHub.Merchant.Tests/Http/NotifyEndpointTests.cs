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

    public static TheoryData<string, int, string, string> BadRequests => new()
    {
        { "missing Authorization", 400, "4005602", "Authorization" },
        { "missing X-TIMESTAMP", 400, "4005602", "X-TIMESTAMP" },
        { "missing X-SIGNATURE", 400, "4005602", "X-SIGNATURE" },
        { "missing X-PARTNER-ID", 400, "4005602", "X-PARTNER-ID" },
        { "missing X-EXTERNAL-ID", 400, "4005602", "X-EXTERNAL-ID" },
        { "missing CHANNEL-ID", 400, "4005602", "CHANNEL-ID" },
        { "missing Content-Type", 400, "4005602", "Content-Type" },
        { "Authorization not Bearer", 400, "4005601", "Authorization" },
        { "X-EXTERNAL-ID not numeric", 400, "4005601", "X-EXTERNAL-ID" },
        { "X-EXTERNAL-ID too long", 400, "4005601", "X-EXTERNAL-ID" },
        { "X-TIMESTAMP malformed", 400, "4005601", "X-TIMESTAMP" },
        { "X-SIGNATURE neither Base64 nor hex", 400, "4005601", "X-SIGNATURE" },
        { "X-SIGNATURE Base64 of the wrong length", 400, "4005601", "X-SIGNATURE" },
        { "wrong content type", 400, "4005600", "Content-Type" },
        { "not JSON", 400, "4005600", "not valid JSON" },
        { "oversized body", 400, "4005600", "larger than" },
        { "missing createdTime", 400, "4005602", "createdTime" },
        { "missing latestTransactionStatus", 400, "4005602", "latestTransactionStatus" },
        { "missing originalPartnerReferenceNo", 400, "4005602", "originalPartnerReferenceNo" },
        { "missing originalReferenceNo", 400, "4005602", "originalReferenceNo" },
        { "missing transactionStatusDesc", 400, "4005602", "transactionStatusDesc" },
        { "status out of range", 400, "4005601", "latestTransactionStatus" },
        { "createdTime not ISO-8601", 400, "4005601", "createdTime" },
        { "additionalInfo not an object", 400, "4005601", "additionalInfo" },
        { "unknown token", 401, "4015601", "not issued" },
        { "expired token", 401, "4015601", "expired" },
        { "token of another partner", 401, "4015601", "another partner" },
        { "stale timestamp", 401, "4015600", "outside the allowed window" },
        { "future timestamp", 401, "4015600", "outside the allowed window" },
        { "tampered body", 401, "4015600", "Invalid signature" },
        { "signed with another secret", 401, "4015600", "Invalid signature" },
        { "signed over another token", 401, "4015600", "Invalid signature" },
        { "hex signature tampered", 401, "4015600", "Invalid signature" },
        { "unknown partner", 401, "4015601", "another partner" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_notification_is_refused_with_its_SNAP_code(string @case, int expectedStatus, string expectedCode, string messageNames)
    {
        var body = SnapClient.NotificationBody("T-bad");
        var token = _token;
        var secret = Secret;
        var partner = Partner;
        var timestamp = _client.Now();
        switch (@case)
        {
            case "missing createdTime" or "missing latestTransactionStatus" or "missing originalPartnerReferenceNo" or "missing originalReferenceNo" or "missing transactionStatusDesc":
                var field = @case["missing ".Length..];
                var node = System.Text.Json.Nodes.JsonNode.Parse(body)!.AsObject();
                node.Remove(field);
                body = node.ToJsonString();
                break;
            case "status out of range":
                body = SnapClient.NotificationBody("T-bad", "10");
                break;
            case "createdTime not ISO-8601":
                body = body.Replace("2024-08-23T07:44:11+07:00", "23/08/2024 07:44", StringComparison.Ordinal);
                break;
            case "additionalInfo not an object":
                body = body.Replace("\"additionalInfo\":{}", "\"additionalInfo\":\"none\"", StringComparison.Ordinal);
                break;
            case "not JSON":
                body = "createdTime=2024-08-23";
                break;
            case "oversized body":
                body = body.Replace("\"additionalInfo\":{}", $$"""
                    "additionalInfo":{"pad":"{{new string('x', 40_000)}}"}
                    """, StringComparison.Ordinal);
                break;
            case "unknown token":
                token = "never-issued-" + Guid.NewGuid().ToString("N");
                break;
            case "expired token":
                _app.Clock.Advance(TimeSpan.FromMinutes(15));
                timestamp = _client.Now();
                break;
            case "token of another partner":
                token = await _client.GetTokenAsync(_app.OtherPrivateKey, SnapAppFactory.OtherClientId);
                break;
            case "unknown partner":
                partner = "NoSuchPartner";
                break;
            case "stale timestamp":
                timestamp = SnapTimestamp.Format(_app.Clock.GetUtcNow().AddMinutes(-5).AddSeconds(-1));
                break;
            case "future timestamp":
                timestamp = SnapTimestamp.Format(_app.Clock.GetUtcNow().AddMinutes(5).AddSeconds(1));
                break;
            case "signed with another secret":
                secret = "not-the-registered-secret";
                break;
        }

        using var request = _client.NotifyRequest(token, secret, partner, NextExternalId(), body, timestamp);
        switch (@case)
        {
            case "missing Authorization":
                request.Headers.Remove(SnapHeaders.Authorization);
                break;
            case "missing X-TIMESTAMP":
                request.Headers.Remove(SnapHeaders.Timestamp);
                break;
            case "missing X-SIGNATURE":
                request.Headers.Remove(SnapHeaders.Signature);
                break;
            case "missing X-PARTNER-ID":
                request.Headers.Remove(SnapHeaders.PartnerId);
                break;
            case "missing X-EXTERNAL-ID":
                request.Headers.Remove(SnapHeaders.ExternalId);
                break;
            case "missing CHANNEL-ID":
                request.Headers.Remove(SnapHeaders.ChannelId);
                break;
            case "missing Content-Type":
                request.Content!.Headers.ContentType = null;
                break;
            case "wrong content type":
                request.Content!.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
                break;
            case "Authorization not Bearer":
                request.Headers.Remove(SnapHeaders.Authorization);
                request.Headers.TryAddWithoutValidation(SnapHeaders.Authorization, "Basic " + token);
                break;
            case "X-EXTERNAL-ID not numeric":
                Replace(request, SnapHeaders.ExternalId, "41807-ABC");
                break;
            case "X-EXTERNAL-ID too long":
                Replace(request, SnapHeaders.ExternalId, new string('7', 37));
                break;
            case "X-TIMESTAMP malformed":
                Replace(request, SnapHeaders.Timestamp, "2024-08-23 07:44:12");
                break;
            case "X-SIGNATURE neither Base64 nor hex":
                Replace(request, SnapHeaders.Signature, "%%%signature%%%");
                break;
            case "X-SIGNATURE Base64 of the wrong length":
                Replace(request, SnapHeaders.Signature, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
                break;
            case "tampered body":
                request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body.Replace("\"00\"", "\"06\"", StringComparison.Ordinal)));
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                break;
            case "signed over another token":
                Replace(request, SnapHeaders.Signature, SymmetricSignature.Sign(secret, "POST", SnapClient.NotifyPath, "another-token", Encoding.UTF8.GetBytes(body), timestamp));
                break;
            case "hex signature tampered":
                var hex = Convert.ToHexStringLower(Convert.FromBase64String(request.Headers.GetValues(SnapHeaders.Signature).Single()));
                Replace(request, SnapHeaders.Signature, (hex[0] == 'a' ? "b" : "a") + hex[1..]);
                break;
        }

        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, _) = await SnapClient.ReadAsync(response);

        Assert.Equal(expectedStatus, status);
        Assert.Equal(expectedCode, code);
        Assert.Contains(messageNames, message, StringComparison.Ordinal);
        Assert.Empty(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    [Theory]
    [InlineData("hex lowercase")]
    [InlineData("hex uppercase")]
    [InlineData("php escaped signing")]
    [InlineData("pretty body signed minified")]
    public async Task Honest_signature_variants_are_accepted(string variant)
    {
        var body = """{"originalPartnerReferenceNo":"ORD/2024/08/0017","originalReferenceNo":"T-variant","latestTransactionStatus":"00","transactionStatusDesc":"Lunas — café","createdTime":"2024-08-23T07:44:11+07:00","additionalInfo":{}}""";
        var timestamp = _client.Now();
        var sent = variant == "pretty body signed minified"
            ? JsonSerializer.Serialize(JsonDocument.Parse(body), IndentedRelaxed)
            : body;
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), sent, timestamp);
        var signed = variant == "php escaped signing"
            ? JsonReserializer.Serialize(JsonDocument.Parse(body).RootElement, BodyForm.Php)
            : JsonMinifier.Minify(Encoding.UTF8.GetBytes(sent));
        var mac = SymmetricSignature.Compute(Secret, SymmetricSignature.StringToSign("POST", SnapClient.NotifyPath, _token, SymmetricSignature.BodyHash(signed), timestamp));
        Replace(request, SnapHeaders.Signature, variant switch
        {
            "hex lowercase" => Convert.ToHexStringLower(mac),
            "hex uppercase" => Convert.ToHexString(mac),
            _ => Convert.ToBase64String(mac),
        });

        using var response = await _client.Http.SendAsync(request);
        Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    private static void Replace(HttpRequestMessage request, string header, string value)
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, value);
    }
}
