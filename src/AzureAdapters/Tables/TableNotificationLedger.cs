using System.Globalization;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// The ledger in Azure Table Storage: partition = partner, row = Jakarta day + external id. The
/// first receipt is an insert, which only one concurrent request can win; later claims and state
/// changes are conditional on the row's ETag.
/// </summary>
public sealed class TableNotificationLedger(LazyTable table) : INotificationLedger
{
    private const string Received = "Received";
    private const string Published = "Published";

    public async Task<LedgerClaim> ClaimAsync(NotificationKey key, string payloadHash, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        var partitionKey = EscapeKey(key.PartnerId);
        var rowKey = key.Day + "_" + EscapeKey(key.ExternalId);
        var entity = new TableEntity(partitionKey, rowKey)
        {
            ["PartnerId"] = key.PartnerId,
            ["ExternalId"] = key.ExternalId,
            ["PayloadHash"] = payloadHash,
            ["State"] = Received,
            ["FirstReceivedAt"] = now,
            ["LeaseUntil"] = now + lease,
            ["Attempts"] = 1,
        };

        try
        {
            var added = await client.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return new LedgerClaim(LedgerOutcome.Claimed, key, now, added.Headers.ETag?.ToString(), 1);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // Received before: decide from the existing record below.
        }

        var existing = (await client.GetEntityAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        var firstReceivedAt = existing.GetDateTimeOffset("FirstReceivedAt") ?? now;
        var attempts = existing.GetInt32("Attempts") ?? 1;
        if (!string.Equals(existing.GetString("PayloadHash"), payloadHash, StringComparison.Ordinal))
        {
            return new LedgerClaim(LedgerOutcome.PayloadMismatch, key, firstReceivedAt, null, attempts);
        }

        if (existing.GetString("State") == Published)
        {
            return new LedgerClaim(LedgerOutcome.AlreadyPublished, key, firstReceivedAt, null, attempts);
        }

        if (existing.GetDateTimeOffset("LeaseUntil") is { } leaseUntil && leaseUntil > now)
        {
            return new LedgerClaim(LedgerOutcome.InProgress, key, firstReceivedAt, null, attempts);
        }

        existing["LeaseUntil"] = now + lease;
        existing["Attempts"] = attempts + 1;
        try
        {
            var updated = await client.UpdateEntityAsync(existing, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return new LedgerClaim(LedgerOutcome.Claimed, key, firstReceivedAt, updated.Headers.ETag?.ToString(), attempts + 1);
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            // Another request took the expired claim first.
            return new LedgerClaim(LedgerOutcome.InProgress, key, firstReceivedAt, null, attempts + 1);
        }
    }

    public async Task MarkPublishedAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(EscapeKey(claim.Key.PartnerId), claim.Key.Day + "_" + EscapeKey(claim.Key.ExternalId))
        {
            ["State"] = Published,
            ["PublishedAt"] = now,
        };

        // Unconditional: once the queue has the message, "published" is true whoever holds the lease.
        await client.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReleaseAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Version is null)
        {
            return;
        }

        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        var entity = new TableEntity(EscapeKey(claim.Key.PartnerId), claim.Key.Day + "_" + EscapeKey(claim.Key.ExternalId))
        {
            ["LeaseUntil"] = now,
        };
        try
        {
            await client.UpdateEntityAsync(entity, new ETag(claim.Version), TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            // Someone else holds it now; nothing to release.
        }
    }

    /// <summary>Table keys may not hold '/', '\', '#', '?' or control characters: percent-encode anything but a safe set.</summary>
    internal static string EscapeKey(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            if (b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or (byte)'-' or (byte)'.' or (byte)'_')
            {
                builder.Append((char)b);
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
