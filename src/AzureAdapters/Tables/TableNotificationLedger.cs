using System.Globalization;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Data.Tables;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// The ledger in one Azure table, keyed as <see cref="LedgerKeys"/> describes. The first receipt of
/// a payment fact inserts its record and pending marker in one entity-group transaction, which only
/// one concurrent request can win; later claims, state changes and a retraction are conditional on
/// the record's ETag. The envelope is stored in binary properties of at most 64 KiB each. Each record
/// carries its MAC (<see cref="OutboxMac"/>, columns <c>MacKeyId</c> and <c>Mac</c>); a record that
/// fails the check is answered <see cref="LedgerOutcome.Tampered"/> and never handed out to be published.
/// </summary>
public sealed class TableNotificationLedger(LazyTable table, IOutboxMacKeys macKeys) : INotificationLedger
{
    /// <summary>Table Storage's limit on one binary property.</summary>
    public const int MaxPropertyBytes = 64 * 1024;

    /// <summary>Envelope parts a record may have: with the other properties this stays under the 1 MiB entity limit.</summary>
    public const int MaxEnvelopeParts = 15;

    /// <summary>The largest envelope a record holds.</summary>
    public const int MaxEnvelopeBytes = MaxPropertyBytes * MaxEnvelopeParts;

    internal const string Received = "Received";
    internal const string Published = "Published";
    private const int MaxBatch = 100;

    public Task<ExternalIdUse> RecordExternalIdAsync(NotificationKey key, string payloadHash, string messageId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var partition = LedgerKeys.ExternalIdPartition(key.JakartaDay, key.PartnerId, key.ExternalId);
        var row = LedgerKeys.ExternalIdRow(key.PartnerId, key.ExternalId);
        var entity = new TableEntity(partition, row)
        {
            ["PartnerId"] = key.PartnerId,
            ["ExternalId"] = key.ExternalId,
            ["JakartaDay"] = LedgerKeys.Day(key.JakartaDay),
            ["PayloadHash"] = payloadHash,
            ["MessageId"] = messageId,
            ["ReceivedAt"] = now,
        };
        return table.RunAsync(
            async (client, ct) =>
            {
                try
                {
                    await client.AddEntityAsync(entity, ct).ConfigureAwait(false);
                    return ExternalIdUse.First;
                }
                catch (RequestFailedException exception) when (exception.Status == 409)
                {
                    var existing = (await client.GetEntityAsync<TableEntity>(partition, row, select: ["PayloadHash"], cancellationToken: ct).ConfigureAwait(false)).Value;
                    return string.Equals(existing.GetString("PayloadHash"), payloadHash, StringComparison.Ordinal) ? ExternalIdUse.SamePayload : ExternalIdUse.OtherPayload;
                }
            },
            cancellationToken);
    }

    public async Task<LedgerClaim> ClaimAsync(OutboxRecord record, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var message = record.Message;
        var partition = LedgerKeys.RecordPartition(message.MessageId);
        var keys = await macKeys.GetAsync(cancellationToken).ConfigureAwait(false);
        var entity = ToEntity(record, now + lease, OutboxMac.Sign(keys, record));
        var marker = new TableEntity(partition, LedgerKeys.PendingRow(message.MessageId)) { ["FirstReceivedAt"] = record.FirstReceivedAt };
        return await table.RunAsync(
            async (client, ct) =>
            {
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        var added = await client.SubmitTransactionAsync(
                            [new TableTransactionAction(TableTransactionActionType.Add, entity), new TableTransactionAction(TableTransactionActionType.Add, marker)], ct).ConfigureAwait(false);
                        return new LedgerClaim(LedgerOutcome.Claimed, message.MessageId, record.FirstReceivedAt, added.Value[0].Headers.ETag?.ToString(), 1, message)
                        {
                            StoredNow = true,
                            RecordedUnder = new NotificationKey(message.PartnerId, record.JakartaDay, message.ExternalId),
                        };
                    }
                    catch (TableTransactionFailedException exception) when (exception.Status == 409 && exception.FailedTransactionActionIndex == 1)
                    {
                        // A marker without its record (the record was deleted by hand): the record is new after all.
                        await client.DeleteEntityAsync(partition, marker.RowKey, ETag.All, ct).ConfigureAwait(false);
                        throw new RequestFailedException(503, "A stale pending marker was removed; try again.", exception);
                    }
                    catch (TableTransactionFailedException exception) when (exception.Status == 409)
                    {
                        // Recorded before: decide from the stored record below.
                    }

                    var existing = await GetRecordAsync(client, message.MessageId, ct).ConfigureAwait(false);
                    if (existing is null)
                    {
                        // Deleted between the insert and the read: retracted by a first receipt whose
                        // X-EXTERNAL-ID was taken, or by hand. The fact is new again: insert it once more.
                        if (attempt < 3)
                        {
                            continue;
                        }

                        throw new RequestFailedException(503, "The record was deleted while it was being claimed; try again.");
                    }

                    if (IntegrityProblem(keys, existing) is { } problem)
                    {
                        return Tampered(existing, problem);
                    }

                    if (!string.Equals(existing.GetString("PayloadHash"), record.PayloadHash, StringComparison.Ordinal))
                    {
                        return Answer(LedgerOutcome.PayloadMismatch, existing);
                    }

                    return await TakeOverAsync(client, existing, now, lease, evenIfPublished: false, ct).ConfigureAwait(false);
                }
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task RetractAsync(LedgerClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Version is null)
        {
            return Task.CompletedTask;
        }

        var partition = LedgerKeys.RecordPartition(claim.MessageId);
        return table.RunAsync<bool>(
            async (client, ct) =>
            {
                try
                {
                    await client.SubmitTransactionAsync(
                        [
                            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, LedgerKeys.RecordRow(claim.MessageId)), new ETag(claim.Version)),
                            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, LedgerKeys.PendingRow(claim.MessageId)), ETag.All),
                        ],
                        ct).ConfigureAwait(false);
                }
                catch (TableTransactionFailedException exception) when (exception.Status is 404 or 412)
                {
                    // Gone already, or claimed by someone else since: not ours to remove.
                }

                return true;
            },
            cancellationToken);
    }

    public async Task<LedgerClaim> ClaimStoredAsync(string messageId, DateTimeOffset now, TimeSpan lease, bool evenIfPublished, CancellationToken cancellationToken)
    {
        var keys = await macKeys.GetAsync(cancellationToken).ConfigureAwait(false);
        return await table.RunAsync(
            async (client, ct) => await GetRecordAsync(client, messageId, ct).ConfigureAwait(false) switch
            {
                null => new LedgerClaim(LedgerOutcome.NotFound, messageId, default, null, 0, null),
                { } existing when IntegrityProblem(keys, existing) is { } problem => Tampered(existing, problem),
                { } existing => await TakeOverAsync(client, existing, now, lease, evenIfPublished, ct).ConfigureAwait(false),
            },
            cancellationToken).ConfigureAwait(false);
    }

    public Task MarkPublishedAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var partition = LedgerKeys.RecordPartition(claim.MessageId);
        var update = new TableEntity(partition, LedgerKeys.RecordRow(claim.MessageId))
        {
            ["State"] = Published,

            // The first publish time stays; this one is the last, and each publish is counted.
            ["PublishedAt"] = claim.FirstPublishedAt ?? now,
            ["LastPublishedAt"] = now,
            ["Publishes"] = claim.Publishes + 1,

            // The claim ends with the publish: nobody is publishing the record any more.
            ["LeaseUntil"] = now,
        };
        return table.RunAsync<bool>(
            async (client, ct) =>
            {
                // Unconditional: once the queue has the message, "published" is true whoever holds the lease.
                try
                {
                    await client.SubmitTransactionAsync(
                        [
                            new TableTransactionAction(TableTransactionActionType.UpdateMerge, update, ETag.All),
                            new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(partition, LedgerKeys.PendingRow(claim.MessageId)), ETag.All),
                        ],
                        ct).ConfigureAwait(false);
                }
                catch (TableTransactionFailedException exception) when (exception.Status == 404 && exception.FailedTransactionActionIndex == 1)
                {
                    // Marker gone already (published before, republished by an operator): mark the record alone.
                    await client.UpdateEntityAsync(update, ETag.All, TableUpdateMode.Merge, ct).ConfigureAwait(false);
                }

                return true;
            },
            cancellationToken);
    }

    public Task ReleaseAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (claim.Version is null)
        {
            return Task.CompletedTask;
        }

        var entity = new TableEntity(LedgerKeys.RecordPartition(claim.MessageId), LedgerKeys.RecordRow(claim.MessageId)) { ["LeaseUntil"] = now };
        return table.RunAsync<bool>(
            async (client, ct) =>
            {
                try
                {
                    await client.UpdateEntityAsync(entity, new ETag(claim.Version), TableUpdateMode.Merge, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException exception) when (exception.Status == 412)
                {
                    // Someone else holds it now; nothing to release.
                }

                return true;
            },
            cancellationToken);
    }

    public async IAsyncEnumerable<PendingRecord> ListPendingAsync(DateTimeOffset receivedBefore, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var partition in LedgerKeys.AllRecordPartitions())
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {partition} and RowKey ge {LedgerKeys.PendingRowPrefix} and RowKey lt {"p`"} and FirstReceivedAt lt {receivedBefore.UtcDateTime}");
            await foreach (var marker in QueryHealingAsync(client, filter, ["RowKey", "FirstReceivedAt"], cancellationToken).ConfigureAwait(false))
            {
                yield return new PendingRecord(marker.RowKey[LedgerKeys.PendingRowPrefix.Length..], marker.GetDateTimeOffset("FirstReceivedAt") ?? DateTimeOffset.MinValue);
            }
        }
    }

    public Task ForgetPendingAsync(string messageId, CancellationToken cancellationToken) =>
        table.RunAsync<bool>(
            async (client, ct) =>
            {
                try
                {
                    await client.DeleteEntityAsync(LedgerKeys.RecordPartition(messageId), LedgerKeys.PendingRow(messageId), ETag.All, ct).ConfigureAwait(false);
                }
                catch (RequestFailedException exception) when (exception.Status == 404 && !LazyTable.IsTableNotFound(exception))
                {
                    // Gone already.
                }

                return true;
            },
            cancellationToken);

    public Task<PurgeResult> PurgeAsync(DateTimeOffset cutoff, int maxRows, bool preview, CancellationToken cancellationToken) =>
        table.RunAsync(
            async (client, ct) =>
            {
                var cutoffDay = DateOnly.FromDateTime(cutoff.ToOffset(Snap.SnapTimestamp.JakartaOffset).DateTime);
                var externalIdFilter = TableClient.CreateQueryFilter($"PartitionKey ge {"x"} and PartitionKey lt {LedgerKeys.DayPartitionPrefix(cutoffDay)}");
                var (externalIds, externalIdsComplete) = await DeleteMatchingAsync(client, externalIdFilter, maxRows, preview, ct).ConfigureAwait(false);

                var records = 0;
                var recordsComplete = true;
                foreach (var partition in LedgerKeys.AllRecordPartitions())
                {
                    var recordFilter = TableClient.CreateQueryFilter(
                        $"PartitionKey eq {partition} and RowKey ge {LedgerKeys.RecordRowPrefix} and RowKey lt {"m`"} and State eq {Published} and FirstReceivedAt lt {cutoff.UtcDateTime}");
                    var (deleted, complete) = await DeleteMatchingAsync(client, recordFilter, maxRows - records, preview, ct).ConfigureAwait(false);
                    records += deleted;
                    if (!complete)
                    {
                        recordsComplete = false;
                        break;
                    }
                }

                return new PurgeResult(records, externalIds, externalIdsComplete && recordsComplete);
            },
            cancellationToken);

    /// <summary>A stored record for operators: the whole row and the outcome of its MAC check, or <see langword="null"/>.</summary>
    public async Task<LedgerEntry?> FindRecordAsync(string messageId, CancellationToken cancellationToken)
    {
        var keys = await macKeys.GetAsync(cancellationToken).ConfigureAwait(false);
        return await table.RunAsync(
            async (client, ct) => await GetRecordAsync(client, messageId, ct).ConfigureAwait(false) is { } entity ? ToEntry(entity, IntegrityProblem(keys, entity)) : null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every record of QoinHub's <c>originalReferenceNo</c>, whatever its partner and status, for
    /// operators who do not know the partner: a query over every record partition that reads each
    /// record row (the reference is no key), so slower on a large table.
    /// </summary>
    public async IAsyncEnumerable<LedgerEntry> FindRecordsByReferenceAsync(string originalReferenceNo, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var keys = await macKeys.GetAsync(cancellationToken).ConfigureAwait(false);
        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        foreach (var partition in LedgerKeys.AllRecordPartitions())
        {
            var filter = TableClient.CreateQueryFilter(
                $"PartitionKey eq {partition} and RowKey ge {LedgerKeys.RecordRowPrefix} and RowKey lt {"m`"} and OriginalReferenceNo eq {originalReferenceNo}");
            await foreach (var entity in QueryHealingAsync(client, filter, null, cancellationToken).ConfigureAwait(false))
            {
                yield return ToEntry(entity, IntegrityProblem(keys, entity));
            }
        }
    }

    /// <summary>The external-id rows of one Asia/Jakarta day, for operators (every partition of the day, in one range query).</summary>
    public async IAsyncEnumerable<ExternalIdEntry> ListExternalIdsAsync(DateOnly day, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var client = await table.GetAsync(cancellationToken).ConfigureAwait(false);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {LedgerKeys.DayPartitionPrefix(day)} and PartitionKey lt {LedgerKeys.DayPartitionEnd(day)}");
        await foreach (var row in QueryHealingAsync(client, filter, null, cancellationToken).ConfigureAwait(false))
        {
            yield return ToExternalIdEntry(row);
        }
    }

    /// <summary>One external-id row, for operators.</summary>
    public Task<ExternalIdEntry?> FindExternalIdAsync(DateOnly day, string partnerId, string externalId, CancellationToken cancellationToken) =>
        table.RunAsync(
            async (client, ct) =>
            {
                var response = await client.GetEntityIfExistsAsync<TableEntity>(
                    LedgerKeys.ExternalIdPartition(day, partnerId, externalId), LedgerKeys.ExternalIdRow(partnerId, externalId), cancellationToken: ct).ConfigureAwait(false);
                return response.HasValue && response.Value is { } row ? ToExternalIdEntry(row) : null;
            },
            cancellationToken);

    internal static TableEntity ToEntity(OutboxRecord record, DateTimeOffset leaseUntil, RecordMac mac)
    {
        var message = record.Message;
        if (message.Envelope.Length > MaxEnvelopeBytes)
        {
            throw new InvalidOperationException(
                $"Message {message.MessageId} is {message.Envelope.Length} bytes; a ledger record holds at most {MaxEnvelopeBytes}. Lower Snap:MaxBodyBytes.");
        }

        var entity = new TableEntity(LedgerKeys.RecordPartition(message.MessageId), LedgerKeys.RecordRow(message.MessageId))
        {
            ["MessageId"] = message.MessageId,
            ["PartnerId"] = message.PartnerId,
            ["ExternalId"] = message.ExternalId,
            ["ChannelId"] = message.ChannelId,
            ["OriginalPartnerReferenceNo"] = message.OriginalPartnerReferenceNo,
            ["OriginalReferenceNo"] = message.OriginalReferenceNo,
            ["LatestTransactionStatus"] = message.LatestTransactionStatus,
            ["PayloadHash"] = record.PayloadHash,
            ["JakartaDay"] = LedgerKeys.Day(record.JakartaDay),
            ["State"] = Received,
            ["FirstReceivedAt"] = record.FirstReceivedAt,
            ["LeaseUntil"] = leaseUntil,
            ["Attempts"] = 1,
            ["MacKeyId"] = mac.KeyId,
            ["Mac"] = mac.Mac,
        };
        var envelope = message.Envelope;
        var parts = 0;
        for (var offset = 0; offset < envelope.Length || parts == 0; offset += MaxPropertyBytes, parts++)
        {
            entity["Envelope" + parts] = envelope.Slice(offset, Math.Min(MaxPropertyBytes, envelope.Length - offset)).ToArray();
        }

        entity["EnvelopeParts"] = parts;
        return entity;
    }

    internal static NotificationMessage ToMessage(TableEntity entity)
    {
        var parts = entity.GetInt32("EnvelopeParts") ?? 0;
        var buffer = new List<byte>();
        for (var i = 0; i < parts; i++)
        {
            buffer.AddRange(entity.GetBinary("Envelope" + i) ?? throw new InvalidOperationException($"Record {entity.RowKey} lacks envelope part {i}."));
        }

        return new NotificationMessage(
            entity.GetString("MessageId") ?? string.Empty,
            entity.GetString("PartnerId") ?? string.Empty,
            entity.GetString("ExternalId") ?? string.Empty,
            entity.GetString("ChannelId") ?? string.Empty,
            entity.GetString("OriginalPartnerReferenceNo") ?? string.Empty,
            entity.GetString("OriginalReferenceNo") ?? string.Empty,
            entity.GetString("LatestTransactionStatus") ?? string.Empty,
            buffer.ToArray());
    }

    private static async Task<TableEntity?> GetRecordAsync(TableClient client, string messageId, CancellationToken cancellationToken)
    {
        var response = await client.GetEntityIfExistsAsync<TableEntity>(LedgerKeys.RecordPartition(messageId), LedgerKeys.RecordRow(messageId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private static async Task<LedgerClaim> TakeOverAsync(TableClient client, TableEntity existing, DateTimeOffset now, TimeSpan lease, bool evenIfPublished, CancellationToken cancellationToken)
    {
        if (existing.GetString("State") == Published && !evenIfPublished)
        {
            return Answer(LedgerOutcome.AlreadyPublished, existing);
        }

        if (existing.GetDateTimeOffset("LeaseUntil") is { } leaseUntil && leaseUntil > now)
        {
            return Answer(LedgerOutcome.InProgress, existing);
        }

        var attempts = (existing.GetInt32("Attempts") ?? 1) + 1;
        var update = new TableEntity(existing.PartitionKey, existing.RowKey) { ["LeaseUntil"] = now + lease, ["Attempts"] = attempts };
        try
        {
            var updated = await client.UpdateEntityAsync(update, existing.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return new LedgerClaim(LedgerOutcome.Claimed, existing.GetString("MessageId") ?? string.Empty, FirstReceivedAt(existing), updated.Headers.ETag?.ToString(), attempts, ToMessage(existing))
            {
                RecordedUnder = RecordedUnder(existing),
                FirstPublishedAt = existing.GetDateTimeOffset("PublishedAt"),
                Publishes = PublishesOf(existing),
            };
        }
        catch (RequestFailedException exception) when (exception.Status == 412)
        {
            // Another claimant took it first.
            return Answer(LedgerOutcome.InProgress, existing);
        }
    }

    private static LedgerClaim Answer(LedgerOutcome outcome, TableEntity existing) =>
        new(outcome, existing.GetString("MessageId") ?? string.Empty, FirstReceivedAt(existing), null, existing.GetInt32("Attempts") ?? 1, null)
        {
            RecordedUnder = RecordedUnder(existing),
        };

    /// <summary>The key a stored record was first received under, or null when the row lacks it.</summary>
    private static NotificationKey? RecordedUnder(TableEntity record) =>
        record.GetString("PartnerId") is { } partner && record.GetString("ExternalId") is { } externalId &&
        DateOnly.TryParseExact(record.GetString("JakartaDay"), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? new NotificationKey(partner, day, externalId)
            : null;

    /// <summary>A tampered record's answer: its row's message id (the key, not a column someone may have changed).</summary>
    private static LedgerClaim Tampered(TableEntity existing, string problem) =>
        new(LedgerOutcome.Tampered, MessageIdOfRow(existing), FirstReceivedAt(existing), null, existing.GetInt32("Attempts") ?? 1, null) { Problem = problem };

    private static string MessageIdOfRow(TableEntity entity) =>
        entity.RowKey.StartsWith(LedgerKeys.RecordRowPrefix, StringComparison.Ordinal) ? entity.RowKey[LedgerKeys.RecordRowPrefix.Length..] : entity.RowKey;

    /// <summary>Publishes recorded before the count was kept: one when the record has a publish time.</summary>
    private static int PublishesOf(TableEntity entity) => entity.GetInt32("Publishes") ?? (entity.GetDateTimeOffset("PublishedAt") is null ? 0 : 1);

    /// <summary>Null when the record's MAC holds and it sits under its own message id; otherwise what is wrong.</summary>
    private static string? IntegrityProblem(OutboxMacKeyRing keys, TableEntity entity)
    {
        OutboxRecord record;
        try
        {
            var day = DateOnly.TryParseExact(entity.GetString("JakartaDay"), "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed) ? parsed : default;
            record = new OutboxRecord(ToMessage(entity), entity.GetString("PayloadHash") ?? string.Empty, day, FirstReceivedAt(entity));
        }
        catch (Exception exception) when (exception is InvalidOperationException or InvalidCastException)
        {
            return "its envelope or a column is not as the app writes them";
        }

        if (!string.Equals(entity.RowKey, LedgerKeys.RecordRow(record.Message.MessageId), StringComparison.Ordinal))
        {
            return "it is stored under another message id than its own";
        }

        return OutboxMac.Problem(keys, record, entity.GetString("MacKeyId"), TryGetBinary(entity, "Mac"));
    }

    private static byte[]? TryGetBinary(TableEntity entity, string name) => entity.TryGetValue(name, out var value) ? value as byte[] : null;

    private static DateTimeOffset FirstReceivedAt(TableEntity entity) => entity.GetDateTimeOffset("FirstReceivedAt") ?? DateTimeOffset.MinValue;

    /// <summary>Deletes (or counts) up to <paramref name="maxRows"/> rows matching <paramref name="filter"/>, in transactions of one partition each.</summary>
    private static async Task<(int Rows, bool Complete)> DeleteMatchingAsync(TableClient client, string filter, int maxRows, bool preview, CancellationToken cancellationToken)
    {
        var count = 0;
        var batch = new List<TableTransactionAction>(MaxBatch);
        await foreach (var row in client.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (count == maxRows)
            {
                await DeleteAsync(client, batch, cancellationToken).ConfigureAwait(false);
                return (count, false);
            }

            count++;
            if (preview)
            {
                continue;
            }

            if (batch.Count == MaxBatch || (batch.Count > 0 && batch[0].Entity.PartitionKey != row.PartitionKey))
            {
                await DeleteAsync(client, batch, cancellationToken).ConfigureAwait(false);
            }

            // Conditional on the row as read: a row that changed since (claimed, republished) is left alone.
            batch.Add(new TableTransactionAction(TableTransactionActionType.Delete, row, row.ETag));
        }

        await DeleteAsync(client, batch, cancellationToken).ConfigureAwait(false);
        return (count, true);
    }

    private static async Task DeleteAsync(TableClient client, List<TableTransactionAction> batch, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await client.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException exception) when (exception.Status is 404 or 412)
        {
            // One row changed or went meanwhile, which fails the whole transaction: delete the rest one by one.
            foreach (var action in batch)
            {
                try
                {
                    await client.DeleteEntityAsync(action.Entity.PartitionKey, action.Entity.RowKey, action.ETag, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException single) when (single.Status is 404 or 412 && !LazyTable.IsTableNotFound(single))
                {
                    // Left alone, as intended.
                }
            }
        }

        batch.Clear();
    }

    /// <summary>A query that survives the table disappearing before it starts: the table is created again and the query yields nothing.</summary>
    private async IAsyncEnumerable<TableEntity> QueryHealingAsync(TableClient client, string filter, IEnumerable<string>? select, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var rows = client.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: select, cancellationToken: cancellationToken).ConfigureAwait(false).GetAsyncEnumerator();
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await rows.MoveNextAsync();
                }
                catch (RequestFailedException exception) when (LazyTable.IsTableNotFound(exception))
                {
                    // The table is gone, so nothing matches; the next call creates it again.
                    table.Forget();
                    more = false;
                }

                if (!more)
                {
                    yield break;
                }

                yield return rows.Current;
            }
        }
        finally
        {
            await rows.DisposeAsync();
        }
    }

    private static LedgerEntry ToEntry(TableEntity entity, string? integrityProblem) => new(
        entity.GetString("MessageId") ?? string.Empty,
        entity.GetString("State") ?? string.Empty,
        FirstReceivedAt(entity),
        entity.GetDateTimeOffset("PublishedAt"),
        entity.GetInt32("Attempts") ?? 0,
        entity.GetDateTimeOffset("LeaseUntil"),
        entity.GetString("JakartaDay") ?? string.Empty,
        entity.GetString("PayloadHash") ?? string.Empty,
        ToMessage(entity))
    {
        LastPublishedAt = entity.GetDateTimeOffset("LastPublishedAt") ?? entity.GetDateTimeOffset("PublishedAt"),
        Publishes = PublishesOf(entity),
        MacKeyId = entity.GetString("MacKeyId"),
        IntegrityProblem = integrityProblem,
    };

    private static ExternalIdEntry ToExternalIdEntry(TableEntity row) => new(
        row.GetString("PartnerId") ?? string.Empty,
        row.GetString("ExternalId") ?? string.Empty,
        row.GetString("JakartaDay") ?? string.Empty,
        row.GetString("MessageId") ?? string.Empty,
        row.GetString("PayloadHash") ?? string.Empty,
        row.GetDateTimeOffset("ReceivedAt") ?? DateTimeOffset.MinValue);
}

/// <summary>A ledger record as operators see it.</summary>
/// <param name="PublishedAt">When it was first published.</param>
public sealed record LedgerEntry(
    string MessageId,
    string State,
    DateTimeOffset FirstReceivedAt,
    DateTimeOffset? PublishedAt,
    int Attempts,
    DateTimeOffset? LeaseUntil,
    string JakartaDay,
    string PayloadHash,
    NotificationMessage Message)
{
    /// <summary>When it was last published (the first time when published once).</summary>
    public DateTimeOffset? LastPublishedAt { get; init; }

    /// <summary>How many times it was published: the first publish, the relay's, republishes.</summary>
    public int Publishes { get; init; }

    /// <summary>The id of the key its MAC was made with, as stored.</summary>
    public string? MacKeyId { get; init; }

    /// <summary>Null when its MAC holds; otherwise what failed. Such a record is never published.</summary>
    public string? IntegrityProblem { get; init; }
}

/// <summary>An external-id row: which payment fact (message id) an <c>X-EXTERNAL-ID</c> carried on a day.</summary>
public sealed record ExternalIdEntry(string PartnerId, string ExternalId, string JakartaDay, string MessageId, string PayloadHash, DateTimeOffset ReceivedAt);
