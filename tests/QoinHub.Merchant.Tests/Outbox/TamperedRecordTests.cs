using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// Someone who may write the ledger's table, without the outbox MAC key, changes a recorded
/// notification and marks it unpublished again: QoinHub's retry of that notification must not
/// publish the changed envelope, and the app reports the record (log event 4301).
/// </summary>
public sealed class TamperedRecordTests : IClassFixture<SnapAppFactory>, IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private static readonly string Secret = Fixtures.Vectors.ClientSecret;
    private readonly SnapAppFactory _app;
    private readonly SnapClient _client;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private string _token = string.Empty;

    public TamperedRecordTests(SnapAppFactory app)
    {
        _app = app;
        _app.Clock.SetUtcNow(SnapAppFactory.VectorTime);
        _client = new SnapClient(app.CreateClient(), app.Clock);
    }

    public async Task InitializeAsync()
    {
        _token = await _client.GetTokenAsync(_key, Partner);
        await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task A_retry_that_finds_its_record_changed_in_the_table_publishes_nothing_is_answered_5xx_and_is_logged()
    {
        var body = SnapClient.NotificationBody("T-tampered", status: "06");
        Assert.Equal((200, "2005600"), await SendAsync("730001", body));
        Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));

        // Status 06 (failed) becomes 00 (success) in the stored envelope, and the record is made to look unpublished.
        var messageId = NotificationEnvelope.MessageIdFor(Partner, "T-tampered", "06");
        var table = new TableClient(_app.StorageConnectionString, _app.NotificationTable);
        var stored = (await table.GetEntityAsync<TableEntity>(LedgerKeys.RecordPartition(messageId), LedgerKeys.RecordRow(messageId))).Value;
        var changed = Encoding.UTF8.GetString(stored.GetBinary("Envelope0")!)
            .Replace("\"latestTransactionStatus\":\"06\"", "\"latestTransactionStatus\":\"00\"", StringComparison.Ordinal);
        await table.UpdateEntityAsync(
            new TableEntity(stored.PartitionKey, stored.RowKey) { ["Envelope0"] = Encoding.UTF8.GetBytes(changed), ["State"] = "Received", ["LeaseUntil"] = SnapAppFactory.VectorTime },
            ETag.All,
            TableUpdateMode.Merge);

        _app.Clock.Advance(TimeSpan.FromMinutes(2));
        var retry = await SendAsync("730001", body);

        Assert.Equal((500, "5005600"), retry);
        Assert.Empty(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        var logged = _app.Logs.GetSnapshot().Where(record => record.Id.Id == LogEvents.OutboxRecordTampered).ToList();
        Assert.Contains(logged, record => record.Message.Contains(messageId, StringComparison.Ordinal) && record.Message.Contains("its MAC does not match its content", StringComparison.Ordinal));
    }

    private async Task<(int Status, string Code)> SendAsync(string externalId, string body)
    {
        using var request = _client.NotifyRequest(_token, Secret, Partner, externalId, body);
        using var response = await _client.Http.SendAsync(request);
        return ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code);
    }
}
