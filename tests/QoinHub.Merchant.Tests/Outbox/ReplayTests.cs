using System.Globalization;
using System.Security.Cryptography;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// A payment fact (partner, originalReferenceNo, latestTransactionStatus) is published once, by
/// its first accepted notification. A replay of it is answered 2005600 and publishes nothing,
/// whatever it changes around the payload (X-EXTERNAL-ID, CHANNEL-ID, the day); a changed payload
/// is refused 4095600, under the same X-EXTERNAL-ID as under a new one.
/// </summary>
public sealed class ReplayTests : IClassFixture<SnapAppFactory>, IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private static readonly string Secret = Fixtures.Vectors.ClientSecret;
    private readonly SnapAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly LedgerTable _ledger;
    private string _token = string.Empty;

    public ReplayTests(SnapAppFactory app)
    {
        _app = app;
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        _client = new SnapClient(app.CreateClient(), app.Clock);
        _ledger = new LedgerTable(app.StorageConnectionString, app.NotificationTable);
    }

    public async Task InitializeAsync()
    {
        _token = await _client.GetTokenAsync(_key, Partner);
        await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Replay_under_a_new_external_id_a_new_channel_or_the_next_Jakarta_day_is_answered_success_and_publishes_nothing_more()
    {
        var body = SnapClient.NotificationBody("T-replay-fact");
        Assert.Equal((200, "2005600"), await SendAsync("720001", body));

        _app.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal((200, "2005600"), await SendAsync("720002", body));

        _app.Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal((200, "2005600"), await SendAsync("720003", body, channelId: "ATTACKER"));

        // 17:00 UTC is midnight in Jakarta: the same X-EXTERNAL-ID is a new key on the new day.
        var nextDay = DateTimeOffset.Parse("2024-08-23T17:00:30Z", CultureInfo.InvariantCulture);
        Assert.Equal(new DateOnly(2024, 8, 24), NotificationKey.For(Partner, nextDay, "720001").JakartaDay);
        _app.Clock.SetUtcNow(nextDay);
        _token = await _client.GetTokenAsync(_key, Partner);
        Assert.Equal((200, "2005600"), await SendAsync("720001", body));
        Assert.Equal((200, "2005600"), await SendAsync("720004", body, channelId: "ATTACKER"));

        var message = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal(NotificationEnvelope.MessageIdFor(Partner, "T-replay-fact", "00"), message.GetProperty("messageId").GetString());
        Assert.Equal(("720001", "95221"), (message.GetProperty("externalId").GetString(), message.GetProperty("channelId").GetString()));
        var record = await _ledger.RecordAsync(NotificationEnvelope.MessageIdFor(Partner, "T-replay-fact", "00"));
        Assert.Equal(("Published", "95221"), (record?.GetString("State"), record?.GetString("ChannelId")));
    }

    [Fact]
    public async Task Same_external_id_the_same_day_with_another_payload_is_refused_4095600_and_publishes_nothing()
    {
        Assert.Equal((200, "2005600"), await SendAsync("720101", SnapClient.NotificationBody("T-replay-id")));

        // Another payment fact altogether, so only the X-EXTERNAL-ID rule can refuse it.
        _app.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal((409, "4095600"), await SendAsync("720101", SnapClient.NotificationBody("T-replay-id-other")));

        var message = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal("T-replay-id", message.GetProperty("notification").GetProperty("originalReferenceNo").GetString());
        Assert.Null(await _ledger.RecordAsync(NotificationEnvelope.MessageIdFor(Partner, "T-replay-id-other", "00")));
    }

    [Fact]
    public async Task Same_payment_fact_with_another_payload_under_a_new_external_id_is_refused_4095600_and_publishes_nothing()
    {
        var first = SnapClient.NotificationBody("T-replay-payload", partnerReference: "abcdefgh0017");
        Assert.Equal((200, "2005600"), await SendAsync("720201", first));

        _app.Clock.Advance(TimeSpan.FromSeconds(20));
        var changed = SnapClient.NotificationBody("T-replay-payload", partnerReference: "zzzzzzzz9999");
        Assert.Equal((409, "4095600"), await SendAsync("720202", changed));

        var message = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal(first, message.GetProperty("notification").GetRawText());
        var record = await _ledger.RecordAsync(NotificationEnvelope.MessageIdFor(Partner, "T-replay-payload", "00"));
        Assert.Equal(("Published", "720201"), (record?.GetString("State"), record?.GetString("ExternalId")));
    }

    private async Task<(int Status, string Code)> SendAsync(string externalId, string body, string channelId = "95221")
    {
        using var request = _client.NotifyRequest(_token, Secret, Partner, externalId, body, channelId: channelId);
        using var response = await _client.Http.SendAsync(request);
        return ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code);
    }
}
