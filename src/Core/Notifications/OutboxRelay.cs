using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Publishes recorded notifications that no request published: every pending record first
/// received at least <see cref="OutboxOptions.RelayAfter"/> ago whose claim has lapsed is claimed
/// (the same conditional claim requests use, so a concurrent retry and the relay never both hold
/// it) and its stored message is published under its own message id. Run by the <c>OutboxRelay</c>
/// timer function (every minute as shipped) and by the operator tool's <c>relay</c>.
/// </summary>
public sealed partial class OutboxRelay(
    INotificationLedger ledger,
    NotificationDelivery delivery,
    IOptionsMonitor<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxRelay> logger)
{
    /// <summary>Markers first received up to this far in the future (another instance's clock) still count as not due.</summary>
    private static readonly TimeSpan NotDueHorizon = TimeSpan.FromDays(1);

    public async Task<RelayRun> RunOnceAsync(CancellationToken cancellationToken)
    {
        using var span = MerchantTelemetry.Source.StartActivity(MerchantTelemetry.Spans.RelayRun);
        var settings = options.CurrentValue;
        var now = clock.GetUtcNow();
        int published = 0, failed = 0, skipped = 0, orphans = 0, pending = 0, left = 0, tampered = 0, notDue = 0;
        DateTimeOffset? oldest = null, oldestLeft = null;
        var due = now - settings.RelayAfter;

        // Every pending marker, so that the run can say how many are waiting for the relay age.
        await foreach (var record in ledger.ListPendingAsync(now + NotDueHorizon, cancellationToken).ConfigureAwait(false))
        {
            if (record.FirstReceivedAt >= due)
            {
                notDue++;
                continue;
            }

            pending++;
            if (oldest is null || record.FirstReceivedAt < oldest)
            {
                oldest = record.FirstReceivedAt;
            }

            var claim = await ledger.ClaimStoredAsync(record.MessageId, clock.GetUtcNow(), settings.ClaimLease, evenIfPublished: false, cancellationToken).ConfigureAwait(false);
            switch (claim.Outcome)
            {
                case LedgerOutcome.Claimed:
                    if (await delivery.PublishClaimedAsync(claim, relay: true, CancellationToken.None).ConfigureAwait(false))
                    {
                        published++;
                        LogRelayed(logger, record.MessageId, claim.Message!.PartnerId, claim.Message.ExternalId, now - record.FirstReceivedAt);
                    }
                    else
                    {
                        failed++;
                        StillPending(record);
                    }

                    break;
                case LedgerOutcome.Tampered:
                    // Never published; reported on every run until an operator deals with it.
                    tampered++;
                    delivery.ReportTampered(claim, MerchantTelemetry.Claimants.Relay);
                    StillPending(record);
                    break;
                case LedgerOutcome.NotFound:
                    orphans++;
                    LogOrphan(logger, record.MessageId);
                    await ledger.ForgetPendingAsync(record.MessageId, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    // Published meanwhile (its marker is removed with the mark), or held by a live claim.
                    skipped++;
                    if (claim.Outcome == LedgerOutcome.InProgress)
                    {
                        StillPending(record);
                    }

                    break;
            }
        }

        // What this run leaves unpublished, for the outbox gauges (read between runs, without storage).
        MerchantTelemetry.RecordOutbox(left, oldestLeft, clock);
        var run = new RelayRun(pending, published, failed, skipped, orphans, oldest is { } o ? now - o : null) { Tampered = tampered, NotDue = notDue };
        span?.SetTag("outbox.pending", pending);
        span?.SetTag("outbox.published", published);
        span?.SetTag("outbox.failed", failed);
        if (failed > 0 || tampered > 0)
        {
            span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, failed > 0 ? "the queue refused some records" : "some records failed their integrity check");
        }

        if (pending > 0)
        {
            LogRun(logger, run.Pending, run.Published, run.Failed, run.Skipped, run.Orphans, run.OldestAge ?? TimeSpan.Zero);
        }

        return run;

        void StillPending(PendingRecord record)
        {
            left++;
            if (oldestLeft is null || record.FirstReceivedAt < oldestLeft)
            {
                oldestLeft = record.FirstReceivedAt;
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.RelayPublished, Level = LogLevel.Warning, Message = "Relay published {MessageId} ({PartnerId}/{ExternalId}) {Age} after its first receipt")]
    private static partial void LogRelayed(ILogger logger, string messageId, string partnerId, string externalId, TimeSpan age);

    [LoggerMessage(EventId = LogEvents.RelayRun, Level = LogLevel.Information, Message = "Relay run: {Pending} pending past the relay age, {Published} published, {Failed} failed, {Skipped} skipped, {Orphans} orphan markers removed; oldest {OldestAge}")]
    private static partial void LogRun(ILogger logger, int pending, int published, int failed, int skipped, int orphans, TimeSpan oldestAge);

    [LoggerMessage(EventId = LogEvents.RelayOrphan, Level = LogLevel.Warning, Message = "Pending marker {MessageId} has no record (deleted by hand?); marker removed")]
    private static partial void LogOrphan(ILogger logger, string messageId);
}

/// <summary>What one relay run found and did; <see cref="OldestAge"/> is the age of the oldest pending record it saw.</summary>
/// <param name="Pending">Unpublished records past the relay age.</param>
public sealed record RelayRun(int Pending, int Published, int Failed, int Skipped, int Orphans, TimeSpan? OldestAge)
{
    /// <summary>Records past the relay age that failed their MAC check: not published, reported.</summary>
    public int Tampered { get; init; }

    /// <summary>Unpublished records younger than the relay age: left for a later run.</summary>
    public int NotDue { get; init; }
}
