using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Delivers a verified notification exactly once. It first claims the payment fact's outbox record,
/// which stores the whole message before the first publish attempt; a replay of an accepted fact
/// (another <c>X-EXTERNAL-ID</c>, <c>CHANNEL-ID</c> or day, none of them signed) finds it and
/// records, reserves and publishes nothing, and a record is only ever published with the envelope
/// of its first receipt. Only the notification that stored the record then applies the per-day
/// <c>X-EXTERNAL-ID</c> rule (a taken id retracts the record and is refused). Once a
/// publish has started it runs to the end whatever the caller does: the publish and the ledger
/// update are not tied to the request. A record left unpublished is picked up by
/// <see cref="OutboxRelay"/>. Ledger failures before the publish are thrown (the caller answers 5xx).
/// </summary>
public sealed partial class NotificationDelivery(
    INotificationLedger ledger,
    INotificationPublisher publisher,
    IOptionsMonitor<OutboxOptions> options,
    TimeProvider clock,
    ILogger<NotificationDelivery> logger)
{
    /// <summary>How often, and how many times, a duplicate looks again for an in-flight twin to finish.</summary>
    internal static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(100);
    internal const int InFlightPolls = 100;

    public async Task<Delivery> DeliverAsync(VerifiedNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var key = notification.Key;
        var now = clock.GetUtcNow();

        // The trace context of the receipt travels in the envelope (stored whole with the record),
        // so whoever publishes it, now or later, hands the consumer the receipt's trace.
        var message = notification.ToMessage(now, MerchantTelemetry.TraceParentOf(Activity.Current));
        var payloadHash = notification.Notification.PayloadHash;
        LedgerClaim claim;
        ExternalIdUse? use;
        string dedupe;
        using (var span = MerchantTelemetry.Source.StartActivity(MerchantTelemetry.Spans.LedgerClaim))
        {
            span?.SetTag(MerchantTelemetry.Attributes.PartnerId, key.PartnerId);
            span?.SetTag(MerchantTelemetry.Attributes.MessageId, message.MessageId);
            try
            {
                claim = await ClaimAsync(new OutboxRecord(message, payloadHash, key.JakartaDay, now), cancellationToken).ConfigureAwait(false);
                use = await ApplyExternalIdRuleAsync(claim, key, payloadHash, now).ConfigureAwait(false);
                dedupe = DedupeOf(key, use, claim);
            }
            catch (Exception exception)
            {
                MerchantTelemetry.Fail(span, exception, "the ledger failed");
                throw;
            }

            span?.SetTag(MerchantTelemetry.Attributes.Dedupe, dedupe);
        }

        MerchantTelemetry.RecordLedgerOutcome(dedupe);
        if (use == ExternalIdUse.OtherPayload)
        {
            return new Delivery(DeliveryOutcome.ExternalIdReused, message.MessageId, 0) { Dedupe = dedupe };
        }

        switch (claim.Outcome)
        {
            case LedgerOutcome.PayloadMismatch:
                LogFactPayloadMismatch(logger, key.PartnerId, key.ExternalId, message.MessageId);
                return new Delivery(DeliveryOutcome.FactPayloadMismatch, message.MessageId, claim.Attempt) { Dedupe = dedupe };
            case LedgerOutcome.AlreadyPublished:
                LogDuplicate(logger, key.PartnerId, key.ExternalId, message.MessageId);
                return new Delivery(DeliveryOutcome.AlreadyPublished, message.MessageId, claim.Attempt) { Dedupe = dedupe };
            case LedgerOutcome.InProgress:
                LogStillInProgress(logger, key.PartnerId, key.ExternalId, message.MessageId);
                return new Delivery(DeliveryOutcome.StillInProgress, message.MessageId, claim.Attempt) { Dedupe = dedupe };
            case LedgerOutcome.Tampered:
                ReportTampered(claim, MerchantTelemetry.Claimants.Request);
                return new Delivery(DeliveryOutcome.RecordTampered, message.MessageId, claim.Attempt) { Dedupe = dedupe };
            default:
                // Not the caller's token: a hang-up must not cancel a publish that may already have landed.
                var published = await PublishClaimedAsync(claim, relay: false, CancellationToken.None).ConfigureAwait(false);
                return new Delivery(published ? DeliveryOutcome.Published : DeliveryOutcome.PublishFailed, message.MessageId, claim.Attempt) { Dedupe = dedupe };
        }
    }

    /// <summary>
    /// The per-day <c>X-EXTERNAL-ID</c> rule, for the notification that has just stored its fact's
    /// record only: <c>X-EXTERNAL-ID</c> is not signed, so a replay of a fact already recorded must
    /// reserve nothing. A taken id retracts the record again (the notification is refused). Runs to
    /// the end once the record is stored, like the publish. Null when the rule did not apply.
    /// </summary>
    private async Task<ExternalIdUse?> ApplyExternalIdRuleAsync(LedgerClaim claim, NotificationKey key, string payloadHash, DateTimeOffset now)
    {
        if (!claim.StoredNow)
        {
            return null;
        }

        var use = await ledger.RecordExternalIdAsync(key, payloadHash, claim.MessageId, now, CancellationToken.None).ConfigureAwait(false);
        if (use == ExternalIdUse.OtherPayload)
        {
            await ledger.RetractAsync(claim, CancellationToken.None).ConfigureAwait(false);
        }

        return use;
    }

    /// <summary>Claims the record, waiting a while for an in-flight twin to finish; the last claim's answer.</summary>
    private async Task<LedgerClaim> ClaimAsync(OutboxRecord record, CancellationToken cancellationToken)
    {
        for (var poll = 0; ; poll++)
        {
            var claim = await ledger.ClaimAsync(record, clock.GetUtcNow(), options.CurrentValue.ClaimLease, cancellationToken).ConfigureAwait(false);
            if (claim.Outcome != LedgerOutcome.InProgress || poll >= InFlightPolls)
            {
                return claim;
            }

            await Task.Delay(InFlightPoll, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the ledger made of a delivery: the first record of a fact is new; the same key
    /// (X-EXTERNAL-ID and day) again is QoinHub's retry; a fact known under another X-EXTERNAL-ID,
    /// CHANNEL-ID or day is a replay.
    /// </summary>
    private static string DedupeOf(NotificationKey key, ExternalIdUse? use, LedgerClaim claim) => (use, claim.Outcome) switch
    {
        (ExternalIdUse.OtherPayload, _) or (_, LedgerOutcome.PayloadMismatch) => MerchantTelemetry.Dedupe.Conflict,
        (ExternalIdUse.SamePayload, _) => MerchantTelemetry.Dedupe.Retry,
        (ExternalIdUse.First, _) => MerchantTelemetry.Dedupe.New,
        _ when key == claim.RecordedUnder => MerchantTelemetry.Dedupe.Retry,
        _ => MerchantTelemetry.Dedupe.Replay,
    };

    /// <summary>
    /// Publishes a claimed record's stored message and marks it published; after a failed publish
    /// the claim is released (the record stays for a retry or the relay). True when published.
    /// </summary>
    public Task<bool> PublishClaimedAsync(LedgerClaim claim, CancellationToken cancellationToken) =>
        PublishClaimedAsync(claim, relay: false, cancellationToken);

    /// <param name="relay">True for the outbox relay: its span links to the receipt's trace instead of being part of it.</param>
    internal async Task<bool> PublishClaimedAsync(LedgerClaim claim, bool relay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var message = claim.Message ?? throw new ArgumentException("Only a claim that holds its message can be published.", nameof(claim));
        var system = publisher.MessagingSystem;
        var started = Stopwatch.GetTimestamp();
        using (var span = StartPublishSpan(message, system, relay))
        {
            try
            {
                await publisher.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                MerchantTelemetry.RecordPublish(system, success: false, Stopwatch.GetElapsedTime(started));
                MerchantTelemetry.Fail(span, exception, "the queue did not accept the message");
                LogPublishFailed(logger, message.PartnerId, message.ExternalId, message.MessageId, exception);
                await TryReleaseAsync(claim).ConfigureAwait(false);
                return false;
            }

            MerchantTelemetry.RecordPublish(system, success: true, Stopwatch.GetElapsedTime(started));
        }

        try
        {
            await ledger.MarkPublishedAsync(claim, clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The queue has the message, so it counts as published. The record stays pending and the
            // relay publishes it again with the same message id, which Service Bus duplicate detection drops.
            LogMarkFailed(logger, message.PartnerId, message.ExternalId, message.MessageId, exception);
        }

        return true;
    }

    /// <summary>
    /// Reports a record that failed its MAC check (<see cref="LedgerOutcome.Tampered"/>), which is not
    /// published: an error log (event 4301) and <c>qoinhub.outbox.tampered</c>, by who found it
    /// (one of <see cref="MerchantTelemetry.Claimants"/>). Names the record, never its content.
    /// </summary>
    public void ReportTampered(LedgerClaim claim, string claimant)
    {
        ArgumentNullException.ThrowIfNull(claim);
        MerchantTelemetry.RecordTampered(claimant);
        LogTampered(logger, claim.MessageId, claimant, claim.Problem ?? "its MAC check failed");
    }

    private static Activity? StartPublishSpan(NotificationMessage message, string system, bool relay)
    {
        if (!MerchantTelemetry.Source.HasListeners())
        {
            return null;
        }

        // The relay runs in its own trace; its span points at the receipt's trace, which the message carries.
        ActivityLink[]? links = null;
        if (relay && message.TraceParent is { } receipt && ActivityContext.TryParse(receipt, null, out var context))
        {
            links = [new ActivityLink(context)];
        }

        var span = MerchantTelemetry.Source.StartActivity(
            relay ? MerchantTelemetry.Spans.RelayPublish : MerchantTelemetry.Spans.Publish, ActivityKind.Producer, parentContext: default, tags: null, links: links);
        span?.SetTag(MerchantTelemetry.Attributes.MessagingSystem, system);
        span?.SetTag(MerchantTelemetry.Attributes.MessagingOperation, "send");
        span?.SetTag(MerchantTelemetry.Attributes.MessageId, message.MessageId);
        span?.SetTag(MerchantTelemetry.Attributes.PartnerId, message.PartnerId);
        return span;
    }

    private async Task TryReleaseAsync(LedgerClaim claim)
    {
        try
        {
            await ledger.ReleaseAsync(claim, clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lease simply runs out instead.
            LogReleaseFailed(logger, claim.MessageId, exception);
        }
    }

    [LoggerMessage(EventId = LogEvents.NotificationDuplicate, Level = LogLevel.Information, Message = "Notification {PartnerId}/{ExternalId} ({MessageId}) was published before; answered success without publishing again")]
    private static partial void LogDuplicate(ILogger logger, string partnerId, string externalId, string messageId);

    [LoggerMessage(EventId = LogEvents.NotificationPublishFailed, Level = LogLevel.Error, Message = "Notification {PartnerId}/{ExternalId} could not be published as {MessageId}; it is recorded and will be published by a retry or the relay")]
    private static partial void LogPublishFailed(ILogger logger, string partnerId, string externalId, string messageId, Exception exception);

    [LoggerMessage(EventId = LogEvents.NotificationMarkFailed, Level = LogLevel.Warning, Message = "Notification {PartnerId}/{ExternalId} was published as {MessageId} but the ledger could not record it; the relay will publish it again under the same message id")]
    private static partial void LogMarkFailed(ILogger logger, string partnerId, string externalId, string messageId, Exception exception);

    [LoggerMessage(EventId = LogEvents.NotificationStillInProgress, Level = LogLevel.Warning, Message = "Notification {PartnerId}/{ExternalId} ({MessageId}) is still being processed by another claimant; answered 5005600")]
    private static partial void LogStillInProgress(ILogger logger, string partnerId, string externalId, string messageId);

    [LoggerMessage(EventId = LogEvents.NotificationReleaseFailed, Level = LogLevel.Warning, Message = "Could not release the claim on {MessageId}; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, string messageId, Exception exception);

    [LoggerMessage(EventId = LogEvents.OutboxRecordTampered, Level = LogLevel.Error, Message = "Outbox record {MessageId} fails its integrity check ({Problem}) and is not published (found by the {Claimant}); it was changed or written without the outbox MAC key: see docs/operations.md, Tampered outbox record")]
    private static partial void LogTampered(ILogger logger, string messageId, string claimant, string problem);

    [LoggerMessage(EventId = LogEvents.NotificationFactPayloadMismatch, Level = LogLevel.Warning, Message = "Notification {PartnerId}/{ExternalId}: the same transaction and status ({MessageId}) was accepted before with a different payload; the first one stands, answered 4095600")]
    private static partial void LogFactPayloadMismatch(ILogger logger, string partnerId, string externalId, string messageId);
}

public enum DeliveryOutcome
{
    /// <summary>Published now: the queue accepted it.</summary>
    Published,

    /// <summary>Published before (a retry or a replay): nothing published now.</summary>
    AlreadyPublished,

    /// <summary>The same <c>X-EXTERNAL-ID</c> was used the same day for a different payload.</summary>
    ExternalIdReused,

    /// <summary>The same payment fact (partner, <c>originalReferenceNo</c>, status) was accepted with a different payload.</summary>
    FactPayloadMismatch,

    /// <summary>Another claimant held the record for as long as this one waited.</summary>
    StillInProgress,

    /// <summary>The queue did not accept it; the record stays for a retry or the relay.</summary>
    PublishFailed,

    /// <summary>The stored record of the payment fact fails its MAC check: nothing published, answered 5xx (reported by <see cref="NotificationDelivery.ReportTampered"/>).</summary>
    RecordTampered,
}

/// <summary>The result of <see cref="NotificationDelivery.DeliverAsync"/>.</summary>
public sealed record Delivery(DeliveryOutcome Outcome, string MessageId, int Attempt)
{
    /// <summary>What the ledger made of it: one of <see cref="MerchantTelemetry.Dedupe"/>.</summary>
    public string? Dedupe { get; init; }
}
