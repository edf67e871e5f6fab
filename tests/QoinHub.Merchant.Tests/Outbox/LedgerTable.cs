using Azure.Data.Tables;
using QoinHub.Merchant.AzureAdapters.Tables;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// The app's notification table read straight from Azurite, not through the app or its proxies:
/// what an operator would find there, in the layout <see cref="LedgerKeys"/> documents.
/// </summary>
internal sealed class LedgerTable(string connectionString, string tableName)
{
    private readonly TableClient _table = new(connectionString, tableName);

    public async Task<TableEntity?> RecordAsync(string messageId)
    {
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(LedgerKeys.RecordPartition(messageId), LedgerKeys.RecordRow(messageId));
        return found.HasValue ? found.Value : null;
    }

    /// <summary>The record's state: <c>Received</c> until published, then <c>Published</c>; null without a record.</summary>
    public async Task<string?> StateAsync(string messageId) => (await RecordAsync(messageId))?.GetString("State");

    public async Task<bool> HasPendingMarkerAsync(string messageId) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(LedgerKeys.RecordPartition(messageId), LedgerKeys.PendingRow(messageId))).HasValue;

    /// <summary>Whether <paramref name="externalId"/> is recorded for <paramref name="partnerId"/> on <paramref name="day"/> (Asia/Jakarta).</summary>
    public async Task<bool> HasExternalIdAsync(DateOnly day, string partnerId, string externalId) =>
        (await _table.GetEntityIfExistsAsync<TableEntity>(LedgerKeys.ExternalIdPartition(day, partnerId, externalId), LedgerKeys.ExternalIdRow(partnerId, externalId))).HasValue;

    /// <summary>Every row's keys, as <c>PartitionKey/RowKey</c>, sorted.</summary>
    public async Task<List<string>> KeysAsync()
    {
        var keys = new List<string>();
        await foreach (var row in _table.QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey"]))
        {
            keys.Add(row.PartitionKey + "/" + row.RowKey);
        }

        keys.Sort(StringComparer.Ordinal);
        return keys;
    }
}
