using Azure;
using Azure.Data.Tables;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Durability;

/// <summary>
/// The app's notification table on the test run's Azurite, read directly: the outbox record of a
/// message id is the row <c>m_{messageId}</c>, its pending marker <c>p_{messageId}</c>
/// (docs: src/AzureAdapters/Tables/LedgerKeys.cs).
/// </summary>
internal sealed class LedgerRows(string tableName)
{
    private readonly TableClient _table = new(AzuriteServer.Instance.ConnectionString, tableName);

    public string TableName => tableName;

    /// <summary>The record's <c>State</c> (<c>Received</c>, then <c>Published</c>), or null while there is no record (or no table).</summary>
    public async Task<string?> StateAsync(string messageId) => (await RowAsync("m_" + messageId))?.GetString("State");

    public async Task<bool> HasPendingMarkerAsync(string messageId) => await RowAsync("p_" + messageId) is not null;

    private async Task<TableEntity?> RowAsync(string rowKey)
    {
        try
        {
            await foreach (var row in _table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey eq {rowKey}")))
            {
                return row;
            }
        }
        catch (RequestFailedException exception) when (exception.Status == 404)
        {
            // The app has not created its table yet.
        }

        return null;
    }
}
