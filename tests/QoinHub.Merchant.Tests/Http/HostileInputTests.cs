using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// Input an attacker or a broken sender produces: each gets a 4xx with its SNAP code, never a 5xx;
/// a refused value is never echoed in the answer nor written to a log; no error is logged for it.
/// </summary>
public sealed class HostileInputTests : IClassFixture<SnapAppFactory>, IAsyncLifetime, IDisposable
{
    private static int s_externalId;
    private readonly SnapAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private string _token = string.Empty;

    public HostileInputTests(SnapAppFactory app)
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

    private static string NextExternalId() => "99100" + Interlocked.Increment(ref s_externalId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("transactionStatusDesc", "4005601")]
    [InlineData("originalReferenceNo", "4005601")]
    [InlineData("createdTime", "4005601")]
    public async Task Lone_surrogate_in_a_notification_field_is_an_invalid_field_not_a_500(string field, string expectedCode)
    {
        var body = SnapClient.NotificationBody("T-surrogate-" + field);
        body = field switch
        {
            "transactionStatusDesc" => body.Replace("\"transactionStatusDesc\":\"Success\"", "\"transactionStatusDesc\":\"Succ\\ud800ess\"", StringComparison.Ordinal),
            "originalReferenceNo" => body.Replace("\"T-surrogate-originalReferenceNo\"", "\"T\\udc00\"", StringComparison.Ordinal),
            _ => body.Replace("\"createdTime\":\"", "\"createdTime\":\"\\ud83d", StringComparison.Ordinal),
        };
        Assert.Contains("\\ud", body, StringComparison.Ordinal);

        var (status, code, message) = await NotifyAsync(body);

        Assert.Equal((400, expectedCode), (status, code));
        Assert.Contains(field, message, StringComparison.Ordinal);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Lone_surrogate_deeper_in_the_body_is_a_bad_request_not_a_500()
    {
        var body = SnapClient.NotificationBody("T-surrogate-deep").Replace("\"additionalInfo\":{}", "\"additionalInfo\":{\"note\":\"\\udfff\"}", StringComparison.Ordinal);
        Assert.Contains("\\udfff", body, StringComparison.Ordinal);

        var (status, code, message) = await NotifyAsync(body);

        Assert.Equal((400, "4005600"), (status, code));
        Assert.Contains("lone surrogate", message, StringComparison.Ordinal);
        AssertNoErrorLogged();
    }

    [Fact]
    public async Task Lone_surrogate_as_grant_type_is_an_invalid_field_not_a_500()
    {
        using var request = _client.TokenRequest(_key, Partner, body: """{"grantType":"\ud800"}""");
        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, _) = await SnapClient.ReadAsync(response);

        Assert.Equal((400, "4007301"), (status, code));
        Assert.Contains("grantType", message, StringComparison.Ordinal);
        AssertNoErrorLogged();
    }

    public static TheoryData<string, string, string> HostileHeaders => new()
    {
        { SnapHeaders.ChannelId, "95221\"EVIL", "4005601" },
        { SnapHeaders.ChannelId, "95\u00012", "4005601" },
        { SnapHeaders.ChannelId, "95221,EVIL", "4005601" },
        { SnapHeaders.ChannelId, new string('9', 65), "4005601" },
        { SnapHeaders.PartnerId, "Qoin\u001b[31mSnap", "4005601" },
        { SnapHeaders.PartnerId, new string('P', 5000), "4005601" },
        { SnapHeaders.PartnerId, "Qoin Snap", "4005601" },
        { SnapHeaders.ExternalId, "12a", "4005601" },
        { SnapHeaders.Timestamp, "2024-08-23T07:44:12+07:00\u001b", "4005601" },
        { SnapHeaders.Authorization, "Bearer a\u001bb", "4005601" },
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public async Task Header_outside_its_alphabet_or_length_is_refused_and_never_echoed_or_logged(string header, string value, string expectedCode)
    {
        var before = _app.Logs.GetSnapshot().Count;
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), SnapClient.NotificationBody("T-hdr-" + NextExternalId()));
        request.Headers.Remove(header);
        Assert.True(request.Headers.TryAddWithoutValidation(header, value));

        using var response = await _client.Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var (status, code, message, _) = await SnapClient.ReadAsync(response);

        Assert.Equal((400, expectedCode), (status, code));
        Assert.Contains(header, message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, raw, StringComparison.Ordinal);
        var logged = string.Join('\n', _app.Logs.GetSnapshot().Skip(before).Select(log => log.Message));
        Assert.DoesNotContain(value, logged, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', logged);
        Assert.Empty(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    [Fact]
    public async Task Oversized_client_key_is_refused_without_being_echoed()
    {
        var clientKey = new string('K', 5000);
        var before = _app.Logs.GetSnapshot().Count;
        using var request = _client.TokenRequest(_key, clientKey);

        using var response = await _client.Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();
        var (status, code, _, _) = await SnapClient.ReadAsync(response);

        Assert.Equal((400, "4007301"), (status, code));
        Assert.False(response.Headers.Contains(SnapHeaders.ClientKey));
        Assert.DoesNotContain(clientKey[..200], raw, StringComparison.Ordinal);
        Assert.DoesNotContain(clientKey[..200], string.Join('\n', _app.Logs.GetSnapshot().Skip(before).Select(log => log.Message)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SnapHeaders.ChannelId)]
    [InlineData(SnapHeaders.PartnerId)]
    [InlineData(SnapHeaders.Signature)]
    [InlineData(SnapHeaders.Timestamp)]
    public async Task Mandatory_header_sent_twice_is_refused(string header)
    {
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), SnapClient.NotificationBody("T-twice-" + header));
        var first = request.Headers.GetValues(header).Single();
        Assert.True(request.Headers.TryAddWithoutValidation(header, first));
        Assert.Equal(2, request.Headers.GetValues(header).Count());

        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, _) = await SnapClient.ReadAsync(response);

        Assert.Equal((400, "4005601"), (status, code));
        Assert.Contains($"{header}. It must be sent once.", message, StringComparison.Ordinal);
        Assert.Empty(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    [Theory]
    [InlineData("1.5", "1.50000000000000001")]
    [InlineData("9007199254740992", "9007199254740993.0")]
    [InlineData("100", "100.0")]
    [InlineData("0", "-0.0")]
    public async Task Body_whose_number_changed_after_signing_does_not_verify(string signedNumber, string sentNumber)
    {
        var reference = "T-number-" + NextExternalId();
        var signedBody = SnapClient.NotificationBody(reference).Replace("\"additionalInfo\":{}", $"\"additionalInfo\":{{\"amount\":{signedNumber}}}", StringComparison.Ordinal);
        var sentBody = signedBody.Replace($"\"amount\":{signedNumber}", $"\"amount\":{sentNumber}", StringComparison.Ordinal);
        Assert.NotEqual(signedBody, sentBody);
        var timestamp = _client.Now();
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), signedBody, timestamp);
        request.Content = new StringContent(sentBody, Encoding.UTF8, "application/json");

        using var response = await _client.Http.SendAsync(request);
        var (status, code, _, _) = await SnapClient.ReadAsync(response);

        Assert.Equal((401, "4015600"), (status, code));
        Assert.Empty(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    [Fact]
    public async Task Answers_are_readable_without_unicode_escapes_for_plain_ascii()
    {
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), SnapClient.NotificationBody("T-readable"));
        request.Headers.Remove(SnapHeaders.Authorization);
        request.Headers.TryAddWithoutValidation(SnapHeaders.Authorization, "Basic abc");

        using var response = await _client.Http.SendAsync(request);
        var raw = await response.Content.ReadAsStringAsync();

        Assert.Contains("'Bearer <accessToken>'", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", raw, StringComparison.Ordinal);
    }

    private async Task<(int Status, string Code, string Message)> NotifyAsync(string body)
    {
        using var request = _client.NotifyRequest(_token, Secret, Partner, NextExternalId(), body);
        using var response = await _client.Http.SendAsync(request);
        var (status, code, message, _) = await SnapClient.ReadAsync(response);
        return (status, code, message);
    }

    private void AssertNoErrorLogged() =>
        Assert.DoesNotContain(_app.Logs.GetSnapshot(), log => log.Level >= LogLevel.Error);
}
