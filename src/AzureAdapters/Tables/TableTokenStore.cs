using System.Globalization;
using Azure;
using Azure.Data.Tables;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// Issued tokens in Azure Table Storage: one row per token, partition key = the token's SHA-256
/// (the token itself is never stored), so tokens spread over as many partitions as there are tokens.
/// Beside them, one partition per client (<c>client~{clientId}</c>, percent-escaped) holds a
/// <b>grant</b> row per signed request answered with a token (<c>g_{request hash}</c>) and a
/// <b>count</b> row per minute in which it was issued tokens (<c>n_{yyyyMMddHHmm}</c>, UTC): a new
/// grant and its minute's count are written in one entity-group transaction, so neither a resent
/// request nor a client over its limit can get a token, on any instance, however many arrive at once.
/// </summary>
public sealed class TableTokenStore(LazyTable table) : ITokenStore
{
    private const string RowKey = "token";
    private const string ClientPartitionPrefix = "client~";
    private const string GrantRowPrefix = "g_";
    private const string CountRowPrefix = "n_";

    /// <summary>How many times a grant is tried against a count that concurrent grants keep changing.</summary>
    private const int MaxCountAttempts = 20;

    public Task<GrantOutcome> RecordGrantAsync(TokenGrant grant, int maxPerMinute, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grant);
        return table.RunAsync(
            async (client, ct) =>
            {
                var outcome = await ReserveAsync(client, grant, maxPerMinute, ct).ConfigureAwait(false);
                if (outcome.Result != GrantResult.RateLimited)
                {
                    // A repeated request's token too: the attempt that recorded its grant may have failed before this.
                    await AddTokenAsync(client, (outcome.Earlier ?? grant).Token, ct).ConfigureAwait(false);
                }

                return outcome;
            },
            cancellationToken);
    }

    /// <summary>The grant and its minute's count, in one transaction: a resent request fails on the grant, a new one over the limit never writes.</summary>
    private static async Task<GrantOutcome> ReserveAsync(TableClient client, TokenGrant grant, int maxPerMinute, CancellationToken cancellationToken)
    {
        var partition = ClientPartition(grant.Token.ClientId);
        var minute = grant.Token.IssuedAt.UtcDateTime;
        var countRow = CountRowPrefix + minute.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
        var minuteEnd = new DateTimeOffset(minute.Year, minute.Month, minute.Day, minute.Hour, minute.Minute, 0, TimeSpan.Zero).AddMinutes(1);
        TableEntity? count = null;
        for (var attempt = 0; attempt < MaxCountAttempts; attempt++)
        {
            var issued = count?.GetInt32("Count") ?? 0;
            if (issued >= maxPerMinute)
            {
                return await FindGrantAsync(client, partition, grant.RequestHash, cancellationToken).ConfigureAwait(false) is { } earlier
                    ? new GrantOutcome(GrantResult.Repeated, earlier)
                    : new GrantOutcome(GrantResult.RateLimited, null);
            }

            var countAction = count is null
                ? new TableTransactionAction(TableTransactionActionType.Add, new TableEntity(partition, countRow) { ["Count"] = 1, ["ExpiresAt"] = minuteEnd })
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(partition, countRow) { ["Count"] = issued + 1 }, count.ETag);
            try
            {
                await client.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, ToEntity(partition, grant)), countAction], cancellationToken).ConfigureAwait(false);
                return new GrantOutcome(GrantResult.Issued, null);
            }
            catch (TableTransactionFailedException exception) when (exception.Status == 409 && exception.FailedTransactionActionIndex == 0)
            {
                return new GrantOutcome(
                    GrantResult.Repeated,
                    await FindGrantAsync(client, partition, grant.RequestHash, cancellationToken).ConfigureAwait(false)
                        ?? throw new RequestFailedException(503, "The grant of a resent token request was deleted while it was read; try again."));
            }
            catch (TableTransactionFailedException exception) when (exception.Status is 404 or 409 or 412 && exception.FailedTransactionActionIndex == 1)
            {
                // Another grant counted first (or the count went): read it again.
                var response = await client.GetEntityIfExistsAsync<TableEntity>(partition, countRow, select: ["Count"], cancellationToken: cancellationToken).ConfigureAwait(false);
                count = response.HasValue ? response.Value : null;
            }
        }

        throw new RequestFailedException(503, "Too many token requests of one client at once to count them; try again.");
    }

    private static async Task AddTokenAsync(TableClient client, IssuedToken token, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(token.TokenHash, RowKey)
        {
            ["ClientId"] = token.ClientId,
            ["IssuedAt"] = token.IssuedAt,
            ["ExpiresAt"] = token.ExpiresAt,
        };
        try
        {
            // Add, not upsert: 256 random bits never collide, and an existing row must never be overwritten.
            await client.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // Recorded already, by a concurrent copy of the same request: the same token, the same row.
        }
    }

    private static async Task<TokenGrant?> FindGrantAsync(TableClient client, string partition, string requestHash, CancellationToken cancellationToken)
    {
        var response = await client.GetEntityIfExistsAsync<TableEntity>(partition, GrantRowPrefix + requestHash, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!response.HasValue || response.Value is not { } row)
        {
            return null;
        }

        var token = new IssuedToken(
            row.GetString("TokenHash") ?? string.Empty,
            row.GetString("ClientId") ?? string.Empty,
            row.GetDateTimeOffset("IssuedAt") ?? DateTimeOffset.MinValue,
            row.GetDateTimeOffset("TokenExpiresAt") ?? DateTimeOffset.MinValue);
        return new TokenGrant(requestHash, token, row.GetBinary("SealedToken") ?? [], row.GetDateTimeOffset("ExpiresAt") ?? DateTimeOffset.MinValue);
    }

    /// <summary>A grant row; <c>ExpiresAt</c> is when the row itself may go (retention), the token's expiry is <c>TokenExpiresAt</c>.</summary>
    private static TableEntity ToEntity(string partition, TokenGrant grant) => new(partition, GrantRowPrefix + grant.RequestHash)
    {
        ["ClientId"] = grant.Token.ClientId,
        ["TokenHash"] = grant.Token.TokenHash,
        ["IssuedAt"] = grant.Token.IssuedAt,
        ["TokenExpiresAt"] = grant.Token.ExpiresAt,
        ["SealedToken"] = grant.SealedToken,
        ["ExpiresAt"] = grant.KeepUntil,
    };

    private static string ClientPartition(string clientId) => ClientPartitionPrefix + LedgerKeys.EscapeKey(clientId);

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
                        // Tokens live one to a partition, so there is nothing to batch (grants and counts are few).
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
