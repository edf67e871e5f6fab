using System.Globalization;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.OperatorTool.Cli;

namespace QoinHub.OperatorTool.Operations;

/// <summary>Finds notifications in the ledger the ways an operator knows them: message id, <c>X-EXTERNAL-ID</c>, or QoinHub's reference.</summary>
public sealed class RecordFinder(TableNotificationLedger ledger)
{
    /// <summary>The statuses a reference is tried with when none is given: SNAP's 00 (Success) to 09 (Rejected).</summary>
    public static IReadOnlyList<string> AllStatuses { get; } = [.. Enumerable.Range(0, 10).Select(i => i.ToString("00", CultureInfo.InvariantCulture))];

    public async Task<IReadOnlyList<FoundNotification>> ByMessageIdAsync(string messageId, CancellationToken cancellationToken)
    {
        if (!IsMessageId(messageId))
        {
            throw new UsageException($"--message-id '{messageId}' is not a message id (64 hex characters).");
        }

        var record = await ledger.FindRecordAsync(messageId, cancellationToken).ConfigureAwait(false);
        return record is null ? [] : [new FoundNotification(messageId, null, record)];
    }

    /// <summary>Every day in <paramref name="days"/> (newest first as given) on which the partner used <paramref name="externalId"/>.</summary>
    public async Task<IReadOnlyList<FoundNotification>> ByExternalIdAsync(string partnerId, string externalId, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(days);
        var found = new List<FoundNotification>();
        foreach (var day in days)
        {
            if (await ledger.FindExternalIdAsync(day, partnerId, externalId, cancellationToken).ConfigureAwait(false) is { } row)
            {
                found.Add(new FoundNotification(row.MessageId, row, await ledger.FindRecordAsync(row.MessageId, cancellationToken).ConfigureAwait(false)));
            }
        }

        return found;
    }

    /// <summary>The records of QoinHub's <c>originalReferenceNo</c> with each of <paramref name="statuses"/> (one message id per status).</summary>
    public async Task<IReadOnlyList<FoundNotification>> ByReferenceAsync(string partnerId, string originalReferenceNo, IEnumerable<string> statuses, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        var found = new List<FoundNotification>();
        foreach (var status in statuses)
        {
            var messageId = NotificationEnvelope.MessageIdFor(partnerId, originalReferenceNo, status);
            if (await ledger.FindRecordAsync(messageId, cancellationToken).ConfigureAwait(false) is { } record)
            {
                found.Add(new FoundNotification(messageId, null, record));
            }
        }

        return found;
    }

    /// <summary>The records of <c>originalReferenceNo</c> of every partner with one of <paramref name="statuses"/>, by partner then status.</summary>
    public async Task<IReadOnlyList<FoundNotification>> ByReferenceOfAnyPartnerAsync(string originalReferenceNo, IEnumerable<string> statuses, CancellationToken cancellationToken)
    {
        var wanted = statuses.ToHashSet(StringComparer.Ordinal);
        var found = new List<FoundNotification>();
        await foreach (var record in ledger.FindRecordsByReferenceAsync(originalReferenceNo, cancellationToken).ConfigureAwait(false))
        {
            if (wanted.Contains(record.Message.LatestTransactionStatus))
            {
                found.Add(new FoundNotification(record.MessageId, null, record));
            }
        }

        return [.. found.OrderBy(f => f.Record!.Message.PartnerId, StringComparer.Ordinal).ThenBy(f => f.Record!.Message.LatestTransactionStatus, StringComparer.Ordinal)];
    }

    public static bool IsMessageId(string value) =>
        value.Length == 64 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
