using Azure;
using Azure.Data.Tables;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// Issued tokens in Azure Table Storage: one row per token, partition and row key derived from the
/// token's SHA-256 (the token itself is never stored).
/// </summary>
public sealed class TableTokenStore(LazyTable table) : ITokenStore
{
    private const string RowKey = "token";

    public async Task RecordAsync(IssuedToken token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(token.TokenHash, RowKey)
        {
            ["ClientId"] = token.ClientId,
            ["IssuedAt"] = token.IssuedAt,
            ["ExpiresAt"] = token.ExpiresAt,
        };

        // Add, not upsert: 256 random bits never collide, and an existing row must never be overwritten.
        await client.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IssuedToken?> FindAsync(string tokenHash, CancellationToken cancellationToken)
    {
        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        NullableResponse<TableEntity> response = await client
            .GetEntityIfExistsAsync<TableEntity>(tokenHash, RowKey, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
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
}
