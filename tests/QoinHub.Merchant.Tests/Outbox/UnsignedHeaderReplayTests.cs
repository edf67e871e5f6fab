using System.Globalization;
using System.Security.Cryptography;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// <c>X-EXTERNAL-ID</c> and <c>CHANNEL-ID</c> are not covered by the SNAP signature, so a captured
/// notification can be resent under any value of them. The payment fact is checked first: a
/// replay of a fact already recorded is answered 2005600 and records, reserves and publishes
/// nothing, so QoinHub's own next notification under one of those ids is still accepted, and the
/// message keeps what the first receipt carried.
/// </summary>
public sealed class UnsignedHeaderReplayTests : IClassFixture<SnapAppFactory>, IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private static readonly string Secret = Fixtures.Vectors.ClientSecret;
    private readonly SnapAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly LedgerTable _ledger;
    private string _token = string.Empty;

    public UnsignedHeaderReplayTests(SnapAppFactory app)
    {
        _app = app;
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        _client = new SnapClient(app.CreateClient(), app.Clock);
        _ledger = new LedgerTable(app.StorageConnectionString, app.NotificationTable);
    }

    private static DateOnly Day => NotificationKey.For(Partner, SnapAppFactory.VectorTime, "0").JakartaDay;

    public async Task InitializeAsync()
    {
        _token = await _client.GetTokenAsync(_key, Partner);
        await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Twenty_replays_under_new_external_ids_reserve_none_and_QoinHubs_next_notification_under_one_of_them_and_its_retry_are_accepted()
    {
        var captured = SnapClient.NotificationBody("T-unsigned-captured");
        var capturedAt = _client.Now();
        Assert.Equal((200, "2005600"), await SendAsync("750100", captured, capturedAt));
        var messageId = NotificationEnvelope.MessageIdFor(Partner, "T-unsigned-captured", "00");
        var keysBefore = await _ledger.KeysAsync();
        var recordBefore = await _ledger.RecordAsync(messageId);

        // The captured request resent unchanged (same X-TIMESTAMP, same signature) but for X-EXTERNAL-ID.
        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        for (var next = 101; next <= 120; next++)
        {
            Assert.Equal((200, "2005600"), await SendAsync(ExternalId(next), captured, capturedAt));
        }

        var keysAfterReplays = await _ledger.KeysAsync();
        var recordAfterReplays = await _ledger.RecordAsync(messageId);
        var queued = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal(messageId, queued.GetProperty("messageId").GetString());

        // QoinHub's real next notification happens to use one of the replayed ids, then retries it.
        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        var real = SnapClient.NotificationBody("T-unsigned-real");
        Assert.Equal((200, "2005600"), await SendAsync(ExternalId(105), real, _client.Now()));
        _app.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal((200, "2005600"), await SendAsync(ExternalId(105), real, _client.Now()));

        // The replays recorded nothing: no row, no change to the fact's record.
        Assert.Equal(keysBefore, keysAfterReplays);
        Assert.Equal(recordBefore!.ETag, recordAfterReplays!.ETag);
        foreach (var next in Enumerable.Range(101, 20).Where(next => next != 105))
        {
            Assert.False(await _ledger.HasExternalIdAsync(Day, Partner, ExternalId(next)), $"the replay under {ExternalId(next)} reserved that external id");
        }

        var published = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal(NotificationEnvelope.MessageIdFor(Partner, "T-unsigned-real", "00"), published.GetProperty("messageId").GetString());
        Assert.Equal(ExternalId(105), published.GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task Same_new_fact_sent_at_once_under_different_external_ids_is_published_once_and_reserves_only_the_external_id_it_was_recorded_under()
    {
        var body = SnapClient.NotificationBody("T-unsigned-race");
        var timestamp = _client.Now();
        var ids = Enumerable.Range(201, 6).Select(ExternalId).ToList();
        var answers = await Task.WhenAll(ids.Select(id => SendAsync(id, body, timestamp)));

        Assert.All(answers, answer => Assert.Equal((200, "2005600"), answer));
        var queued = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        var winner = queued.GetProperty("externalId").GetString()!;
        Assert.Contains(winner, ids);
        var record = await _ledger.RecordAsync(NotificationEnvelope.MessageIdFor(Partner, "T-unsigned-race", "00"));
        Assert.Equal(winner, record?.GetString("ExternalId"));
        foreach (var id in ids)
        {
            Assert.Equal(id == winner, await _ledger.HasExternalIdAsync(Day, Partner, id));
        }

        // Every id that lost the race is still free for QoinHub's next notification.
        _app.Clock.Advance(TimeSpan.FromSeconds(10));
        foreach (var (id, n) in ids.Where(id => id != winner).Select((id, n) => (id, n)))
        {
            Assert.Equal((200, "2005600"), await SendAsync(id, SnapClient.NotificationBody("T-unsigned-after-race-" + n.ToString(CultureInfo.InvariantCulture)), _client.Now()));
        }

        Assert.Equal(ids.Count - 1, (await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName)).Count);
    }

    [Fact]
    public async Task Replay_under_another_CHANNEL_ID_and_external_id_publishes_the_first_receipts_envelope_and_changes_no_record()
    {
        await using var app = new ProxiedStorageAppFactory();
        app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var token = await client.GetTokenAsync(_key, Partner);
        var body = SnapClient.NotificationBody("T-unsigned-channel");
        var timestamp = client.Now();
        var messageId = NotificationEnvelope.MessageIdFor(Partner, "T-unsigned-channel", "00");

        // The first receipt is recorded, but the queue is down: nothing is published yet.
        app.Queues.IsUp = false;
        Assert.Equal((500, "5005600"), await SendAsync(client, token, "750300", body, timestamp, "95221"));
        app.Queues.IsUp = true;
        app.Clock.Advance(TimeSpan.FromSeconds(1));
        var stored = await app.Ledger.RecordAsync(messageId);
        Assert.Equal(("Received", "95221", "750300"), (stored?.GetString("State"), stored?.GetString("ChannelId"), stored?.GetString("ExternalId")));

        // The captured request replayed under other unsigned headers publishes the stored message, unchanged.
        Assert.Equal((200, "2005600"), await SendAsync(client, token, "750301", body, timestamp, "ATTACKER"));

        var queued = Assert.Single(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, app.QueueName));
        Assert.Equal(("750300", "95221"), (queued.GetProperty("externalId").GetString(), queued.GetProperty("channelId").GetString()));
        Assert.Equal(stored!.GetBinary("Envelope0"), System.Text.Encoding.UTF8.GetBytes(queued.GetRawText()));
        var after = await app.Ledger.RecordAsync(messageId);
        Assert.Equal(("Published", "95221", "750300"), (after?.GetString("State"), after?.GetString("ChannelId"), after?.GetString("ExternalId")));
        Assert.False(await app.Ledger.HasExternalIdAsync(Day, Partner, "750301"), "the replay under another CHANNEL-ID reserved its external id");

        // And once published, the same replay again changes nothing at all.
        var keys = await app.Ledger.KeysAsync();
        Assert.Equal((200, "2005600"), await SendAsync(client, token, "750302", body, timestamp, "OTHER"));
        Assert.Equal(keys, await app.Ledger.KeysAsync());
        Assert.Equal(after!.ETag, (await app.Ledger.RecordAsync(messageId))!.ETag);
        Assert.Empty(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, app.QueueName));
    }

    private static string ExternalId(int n) => "750" + n.ToString("000", CultureInfo.InvariantCulture);

    private Task<(int Status, string Code)> SendAsync(string externalId, string body, string timestamp) =>
        SendAsync(_client, _token, externalId, body, timestamp, "95221");

    private static async Task<(int Status, string Code)> SendAsync(SnapClient client, string token, string externalId, string body, string timestamp, string channelId)
    {
        using var request = client.NotifyRequest(token, Secret, Partner, externalId, body, timestamp, channelId: channelId);
        using var response = await client.Http.SendAsync(request);
        return ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code);
    }
}
