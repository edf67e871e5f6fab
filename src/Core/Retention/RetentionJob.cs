using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Retention;

/// <summary>
/// Deletes what is no longer needed: token rows a day after they expire, published notification
/// records and external-id rows older than <see cref="RetentionOptions.Notifications"/>. Never an
/// unpublished record. Bounded per run; run daily by the <c>Retention</c> timer function under the
/// Functions host and by the app itself when it runs on its own.
/// </summary>
public sealed partial class RetentionJob(
    ITokenStore tokens,
    INotificationLedger ledger,
    IOptionsMonitor<RetentionOptions> options,
    TimeProvider clock,
    ILogger<RetentionJob> logger)
{
    public async Task<RetentionRun> RunOnceAsync(bool preview, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (settings.Problems().FirstOrDefault() is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        var now = clock.GetUtcNow();
        var tokenCutoff = now - settings.TokensAfterExpiry;
        var notificationCutoff = now - settings.Notifications;
        var tokenRows = await tokens.PurgeExpiredAsync(tokenCutoff, settings.MaxRowsPerRun, preview, cancellationToken).ConfigureAwait(false);
        var ledgerRows = await ledger.PurgeAsync(notificationCutoff, settings.MaxRowsPerRun, preview, cancellationToken).ConfigureAwait(false);
        var run = new RetentionRun(preview, tokenCutoff, notificationCutoff, tokenRows.Rows, ledgerRows.Records, ledgerRows.ExternalIds, tokenRows.Complete && ledgerRows.Complete);
        LogRun(logger, preview ? "would delete" : "deleted", run.Tokens, run.Records, run.ExternalIds, run.Complete);
        return run;
    }

    [LoggerMessage(EventId = LogEvents.RetentionRun, Level = LogLevel.Information, Message = "Retention {Verb} {Tokens} token rows, {Records} published notification records, {ExternalIds} external-id rows (complete: {Complete})")]
    private static partial void LogRun(ILogger logger, string verb, int tokens, int records, int externalIds, bool complete);
}

/// <summary>What one retention run deleted (or, in preview, would delete).</summary>
public sealed record RetentionRun(bool Preview, DateTimeOffset TokensExpiredBefore, DateTimeOffset NotificationsReceivedBefore, int Tokens, int Records, int ExternalIds, bool Complete);
