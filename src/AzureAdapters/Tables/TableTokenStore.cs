using Azure;
using Azure.Data.Tables;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// Issued tokens in Azure Table Storage: one row per token, partition key = the token's SHA-256
/// (the token itself is never stored), so tokens spread over as many partitions as there are tokens.
/// </summary>
public sealed class TableTokenStore(LazyTable table) : ITokenStore
{
    private const string RowKey = "token";

    public Task RecordAsync(IssuedToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var entity = new TableEntity(token.TokenHash, RowKey)
        {
            ["ClientId"] = token.ClientId,
            ["IssuedAt"] = token.IssuedAt,
            ["ExpiresAt"] = token.ExpiresAt,
        };

        // Add, not upsert: 256 random bits never collide, and an existing row must never be overwritten.
        return table.RunAsync((client, ct) => client.AddEntityAsync(entity, ct), cancellationToken);
    }

    public async Task<IssuedToken?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var response = await table.RunAsync(
            (client, ct) => client.GetEntityIfExistsAsync<TableEntity>(tokenHash, RowKey, cancellationToken: ct),
            cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value is null)
        {
            return null;
        }

        var entity = response.Value;
        return new IssuedToken(
            tokenHash,
            entity.GetString("ClientId") ?? string.Empty,
            entity.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue);
    }

    public Task<PurgeCount> PurgeExpiredAsync(DateTimeOffset expiredBefore, int maxRows, bool preview, CancellationToken cancellationToken) =>
        table.RunAsync(
            async (client, ct) =>
            {
                var count = 0;
                var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {expiredBefore.UtcDateTime}");
                await foreach (var entity in client.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: ct).ConfigureAwait(false))
                {
                    if (count == maxRows)
                    {
                        return new PurgeCount(count, Complete: false);
                    }

                    if (!preview)
                    {
                        // Tokens live one to a partition, so there is nothing to batch.
                        try
                        {
                            await client.DeleteEntityAsync(entity.PartitionKey, entity.RowKey, ETag.All, ct).ConfigureAwait(false);
                        }
                        catch (RequestFailedException exception) when (exception.Status == 404 && !LazyTable.IsTableNotFound(exception))
                        {
                            // Deleted meanwhile (another run).
                        }
                    }

                    count++;
                }

                return new PurgeCount(count, Complete: true);
            },
            cancellationToken);
}
