using System.Security.Cryptography;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// The app's tables and queue deleted under the running app (by hand, a restored account): the
/// next request creates what it needs again and succeeds, without a restart.
/// </summary>
public sealed class DeletedStorageTests : IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private static readonly string Secret = Fixtures.Vectors.ClientSecret;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly SnapAppFactory _app = new();
    private SnapClient _client = null!;
    private string _token = string.Empty;

    public async Task InitializeAsync()
    {
        _client = new SnapClient(_app.CreateClient(), _app.Clock);

        // Both tables and the queue exist and are in use before they are deleted.
        _token = await _client.GetTokenAsync(_key, Partner);
        Assert.Equal("2005600", await NotifyAsync(_token, "730001", "T-before-deletion"));
        Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Token_and_notification_tables_deleted_under_the_running_app_are_created_again_by_the_next_requests()
    {
        var tables = new TableServiceClient(_app.StorageConnectionString);
        await tables.DeleteTableAsync(_app.TokenTable);
        await tables.DeleteTableAsync(_app.NotificationTable);
        Assert.Empty(await TableNamesAsync(tables));

        using (var request = _client.TokenRequest(_key, Partner))
        using (var response = await _client.Http.SendAsync(request))
        {
            var (status, code, _, body) = await SnapClient.ReadAsync(response);
            Assert.Equal((200, "2007300"), (status, code));
            _token = body.GetProperty("accessToken").GetString()!;
        }

        Assert.Equal("2005600", await NotifyAsync(_token, "730002", "T-after-deletion"));

        Assert.Equal([_app.NotificationTable, _app.TokenTable], (await TableNamesAsync(tables)).Order(StringComparer.Ordinal));
        var ledger = new LedgerTable(_app.StorageConnectionString, _app.NotificationTable);
        Assert.Equal("Published", await ledger.StateAsync(NotificationEnvelope.MessageIdFor(Partner, "T-after-deletion", "00")));
        var message = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal("730002", message.GetProperty("externalId").GetString());
    }

    [Fact]
    public async Task Queue_deleted_under_the_running_app_is_created_again_and_receives_the_next_notification()
    {
        var queue = new QueueClient(_app.StorageConnectionString, _app.QueueName);
        await queue.DeleteAsync();
        Assert.False((await queue.ExistsAsync()).Value);

        Assert.Equal("2005600", await NotifyAsync(_token, "730003", "T-queue-deleted"));

        Assert.True((await queue.ExistsAsync()).Value);
        var message = Assert.Single(await QueueReader.DrainAsync(_app.StorageConnectionString, _app.QueueName));
        Assert.Equal(NotificationEnvelope.MessageIdFor(Partner, "T-queue-deleted", "00"), message.GetProperty("messageId").GetString());
    }

    private async Task<string> NotifyAsync(string token, string externalId, string originalReferenceNo)
    {
        using var request = _client.NotifyRequest(token, Secret, Partner, externalId, SnapClient.NotificationBody(originalReferenceNo));
        using var response = await _client.Http.SendAsync(request);
        return (await SnapClient.ReadAsync(response)).Code;
    }

    /// <summary>This app's tables among all on the shared Azurite.</summary>
    private async Task<List<string>> TableNamesAsync(TableServiceClient tables)
    {
        var names = new List<string>();
        await foreach (var table in tables.QueryAsync(t => t.Name == _app.TokenTable || t.Name == _app.NotificationTable))
        {
            names.Add(table.Name);
        }

        return names;
    }
}
