using Microsoft.Extensions.Logging;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Delivers a verified notification exactly once: claims it in the ledger (only one of several
/// concurrent requests can), publishes it, then marks it published; after a failed publish the
/// claim is released so that the next try need not wait for the lease. A duplicate that finds its
/// twin in flight waits for it a while. Ledger failures are thrown (the caller answers 5xx).
/// </summary>
public sealed partial class NotificationDelivery(
    INotificationLedger ledger,
    INotificationPublisher publisher,
    TimeProvider clock,
    ILogger<NotificationDelivery> logger)
{
    /// <summary>How long a claim lasts: longer than the publisher's own retries take.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    /// <summary>How often, and how long in all, a duplicate waits for an in-flight twin to finish.</summary>
    internal static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(100);
    internal const int InFlightPolls = 100;

    public async Task<Delivery> DeliverAsync(VerifiedNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var key = notification.Key;
        for (var poll = 0; ; poll++)
        {
            var claim = await ledger.ClaimAsync(key, notification.Notification.PayloadHash, clock.GetUtcNow(), ClaimLease, cancellationToken).ConfigureAwait(false);
            switch (claim.Outcome)
            {
                case LedgerOutcome.PayloadMismatch:
                    return new Delivery(DeliveryOutcome.PayloadMismatch, null, claim.Attempt);
                case LedgerOutcome.AlreadyPublished:
                    LogDuplicate(logger, key.PartnerId, key.ExternalId);
                    return new Delivery(DeliveryOutcome.AlreadyPublished, null, claim.Attempt);
                case LedgerOutcome.InProgress when poll < InFlightPolls:
                    await Task.Delay(InFlightPoll, cancellationToken).ConfigureAwait(false);
                    continue;
                case LedgerOutcome.InProgress:
                    LogStillInProgress(logger, key.PartnerId, key.ExternalId);
                    return new Delivery(DeliveryOutcome.StillInProgress, null, claim.Attempt);
                default:
                    return await PublishAsync(notification.ToMessage(claim.FirstReceivedAt), claim, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<Delivery> PublishAsync(NotificationMessage message, LedgerClaim claim, CancellationToken cancellationToken)
    {
        try
        {
            await publisher.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, claim.Key.PartnerId, claim.Key.ExternalId, message.MessageId, exception);
            await TryReleaseAsync(claim).ConfigureAwait(false);
            return new Delivery(DeliveryOutcome.PublishFailed, message.MessageId, claim.Attempt);
        }

        try
        {
            await ledger.MarkPublishedAsync(claim, clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The queue has the message, so the answer is success. A retry would publish again with
            // the same message id, which Service Bus duplicate detection drops.
            LogMarkFailed(logger, claim.Key.PartnerId, claim.Key.ExternalId, message.MessageId, exception);
        }

        return new Delivery(DeliveryOutcome.Published, message.MessageId, claim.Attempt);
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
            LogReleaseFailed(logger, claim.Key.PartnerId, claim.Key.ExternalId, exception);
        }
    }

    [LoggerMessage(EventId = LogEvents.NotificationDuplicate, Level = LogLevel.Information, Message = "Notification {PartnerId}/{ExternalId} was published before; answered success without publishing again")]
    private static partial void LogDuplicate(ILogger logger, string partnerId, string externalId);

    [LoggerMessage(EventId = LogEvents.NotificationPublishFailed, Level = LogLevel.Error, Message = "Notification {PartnerId}/{ExternalId} could not be published as {MessageId}; answered 5005600 so that it is retried")]
    private static partial void LogPublishFailed(ILogger logger, string partnerId, string externalId, string messageId, Exception exception);

    [LoggerMessage(EventId = LogEvents.NotificationMarkFailed, Level = LogLevel.Warning, Message = "Notification {PartnerId}/{ExternalId} was published as {MessageId} but the ledger could not record it")]
    private static partial void LogMarkFailed(ILogger logger, string partnerId, string externalId, string messageId, Exception exception);

    [LoggerMessage(EventId = LogEvents.NotificationStillInProgress, Level = LogLevel.Warning, Message = "Notification {PartnerId}/{ExternalId} is still being processed by another request; answered 5005600")]
    private static partial void LogStillInProgress(ILogger logger, string partnerId, string externalId);

    [LoggerMessage(EventId = LogEvents.NotificationReleaseFailed, Level = LogLevel.Warning, Message = "Could not release the claim on {PartnerId}/{ExternalId}; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, string partnerId, string externalId, Exception exception);
}

public enum DeliveryOutcome
{
    /// <summary>Published now: the queue accepted it.</summary>
    Published,

    /// <summary>Published before: nothing published now.</summary>
    AlreadyPublished,

    /// <summary>The same key was received before with a different payload.</summary>
    PayloadMismatch,

    /// <summary>Another request held the claim for as long as this one waited.</summary>
    StillInProgress,

    /// <summary>The queue did not accept it; the claim was released for the next try.</summary>
    PublishFailed,
}

/// <summary>The result of <see cref="NotificationDelivery.DeliverAsync"/>.</summary>
public sealed record Delivery(DeliveryOutcome Outcome, string? MessageId, int Attempt);
