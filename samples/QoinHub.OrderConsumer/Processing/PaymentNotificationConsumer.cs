using System.Diagnostics;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.OrderConsumer.Envelope;
using QoinHub.OrderConsumer.Orders;

namespace QoinHub.OrderConsumer.Processing;

/// <summary>
/// Processes one payment notification message and settles it (peek-lock, no auto-complete):
/// <list type="bullet">
/// <item><b>complete</b> once the store has applied it, or found it a duplicate, stale or conflicting
/// (reading it again would decide the same);</item>
/// <item><b>dead-letter</b>, with a reason and a description of what is wrong, a message no retry can
/// help: not JSON, not the v1 schema, another major version or type, a message id that does not
/// match, or one the store refuses (<see cref="UnprocessableMessageException"/>);</item>
/// <item><b>abandon</b> on any other failure of the store (taken as transient): Service Bus delivers
/// it again, and dead-letters it itself after the queue's max delivery count
/// (<c>MaxDeliveryCountExceeded</c>).</item>
/// </list>
/// </summary>
public sealed partial class PaymentNotificationConsumer
{
    /// <summary>Service Bus keeps dead-letter descriptions short; so do we.</summary>
    private const int MaxDescriptionLength = 1024;

    private readonly IOrderStore _store;
    private readonly OrderConsumerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<PaymentNotificationConsumer> _logger;

    public PaymentNotificationConsumer(
        IOrderStore store,
        IOptions<OrderConsumerOptions> options,
        TimeProvider timeProvider,
        ILogger<PaymentNotificationConsumer> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _store = store;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The <see cref="ServiceBusProcessor.ProcessMessageAsync"/> handler.</summary>
    public async Task ProcessAsync(ProcessMessageEventArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var message = args.Message;
        var read = EnvelopeReader.Read(message.Body.ToMemory());
        var envelope = read.Envelope;
        var notification = envelope?.Notification;

        using var activity = ConsumerTelemetry.StartProcessing(message, envelope, _options.QueueName);
        using var scope = _logger.BeginScope(new Dictionary<string, object?>
        {
            ["MessageId"] = message.MessageId,
            ["DeliveryCount"] = message.DeliveryCount,
            ["PartnerId"] = envelope?.PartnerId,
            ["OriginalReferenceNo"] = notification?.OriginalReferenceNo,
            ["OriginalPartnerReferenceNo"] = notification?.OriginalPartnerReferenceNo,
            ["Status"] = notification?.LatestTransactionStatus,
        });

        var refusal = read.Refusal ?? CheckMessageId(message, envelope!);
        if (refusal is not null)
        {
            await DeadLetterAsync(args, envelope, refusal, activity).ConfigureAwait(false);
            return;
        }

        var change = new PaymentStatusChange(
            envelope!.MessageId,
            envelope.PartnerId,
            notification!.OriginalReferenceNo,
            notification.OriginalPartnerReferenceNo,
            notification.LatestTransactionStatus,
            envelope.ReceivedAt);

        ApplyResult result;
        try
        {
            result = await _store.ApplyAsync(change, args.CancellationToken).ConfigureAwait(false);
        }
        catch (UnprocessableMessageException e)
        {
            await DeadLetterAsync(args, envelope, new Refusal(e.Reason, e.Message), activity).ConfigureAwait(false);
            return;
        }
#pragma warning disable CA1031 // Any other failure of the store is taken as transient: Service Bus retries, then dead-letters.
        catch (Exception e)
#pragma warning restore CA1031
        {
            await AbandonAsync(args, change, e, activity).ConfigureAwait(false);
            return;
        }

        var outcome = OutcomeName(result.Outcome);
        activity?.SetTag("qoinhub.outcome", outcome);
        if (!await SettleAsync(() => args.CompleteMessageAsync(message, CancellationToken.None), message, "complete").ConfigureAwait(false))
        {
            return;
        }

        if (result.Outcome == ApplyOutcome.IgnoredConflict)
        {
            LogConflict(_logger, change.MessageId, change.PartnerId, change.OriginalReferenceNo, change.Status, outcome, result.CurrentStatus, change.OriginalPartnerReferenceNo);
        }
        else
        {
            LogCompleted(_logger, change.MessageId, change.PartnerId, change.OriginalReferenceNo, change.Status, outcome, result.PreviousStatus, result.CurrentStatus);
        }
    }

    /// <summary>The <see cref="ServiceBusProcessor.ProcessErrorAsync"/> handler: failures outside <see cref="ProcessAsync"/> (receiving, connections, settling).</summary>
    public Task ProcessErrorAsync(ProcessErrorEventArgs args)
    {
        ArgumentNullException.ThrowIfNull(args);
        LogProcessorError(_logger, args.ErrorSource.ToString(), args.EntityPath, args.Exception);
        return Task.CompletedTask;
    }

    /// <summary>
    /// The body's <c>messageId</c> must be the broker's MessageId (idempotency is keyed on it) and
    /// the hash of the fields it stands for (docs/messages.md): a message whose id and status
    /// disagree would be deduplicated under the wrong fact.
    /// </summary>
    internal static Refusal? CheckMessageId(ServiceBusReceivedMessage message, PaymentNotificationEnvelope envelope)
    {
        if (!string.Equals(message.MessageId, envelope.MessageId, StringComparison.Ordinal))
        {
            return new Refusal(DeadLetterReasons.MessageIdMismatch,
                $"The body's messageId {envelope.MessageId} is not the broker MessageId {EnvelopeReader.Shown(message.MessageId ?? string.Empty)}.");
        }

        var expected = MessageIds.For(envelope.PartnerId, envelope.Notification.OriginalReferenceNo, envelope.Notification.LatestTransactionStatus);
        return string.Equals(expected, envelope.MessageId, StringComparison.Ordinal)
            ? null
            : new Refusal(DeadLetterReasons.MessageIdMismatch,
                $"messageId {envelope.MessageId} is not the SHA-256 of partnerId, notification.originalReferenceNo and notification.latestTransactionStatus (docs/messages.md).");
    }

    private async Task DeadLetterAsync(ProcessMessageEventArgs args, PaymentNotificationEnvelope? envelope, Refusal refusal, Activity? activity)
    {
        var description = refusal.Description.Length <= MaxDescriptionLength ? refusal.Description : refusal.Description[..(MaxDescriptionLength - 1)] + "…";
        activity?.SetTag("qoinhub.outcome", Outcomes.DeadLettered);
        activity?.SetTag("qoinhub.dead_letter_reason", refusal.Reason);
        activity?.SetStatus(ActivityStatusCode.Error, refusal.Reason);
        var message = args.Message;
        if (await SettleAsync(() => args.DeadLetterMessageAsync(message, refusal.Reason, description, CancellationToken.None), message, "dead-letter").ConfigureAwait(false))
        {
            LogDeadLettered(_logger, message.MessageId, envelope?.PartnerId, envelope?.Notification.OriginalReferenceNo,
                envelope?.Notification.LatestTransactionStatus, Outcomes.DeadLettered, refusal.Reason, description);
        }
    }

    private async Task AbandonAsync(ProcessMessageEventArgs args, PaymentStatusChange change, Exception failure, Activity? activity)
    {
        activity?.SetTag("qoinhub.outcome", Outcomes.Abandoned);
        activity?.SetStatus(ActivityStatusCode.Error, failure.GetType().Name);
        var message = args.Message;
        LogAbandoned(_logger, change.MessageId, change.PartnerId, change.OriginalReferenceNo, change.Status, Outcomes.Abandoned, message.DeliveryCount, failure);

        if (_options.TransientFailureDelay > TimeSpan.Zero && !args.CancellationToken.IsCancellationRequested)
        {
            try
            {
                // Hold the lock a moment so the retries are spread out, not spent at once.
                await Task.Delay(_options.TransientFailureDelay, _timeProvider, args.CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: give it back now.
            }
        }

        await SettleAsync(() => args.AbandonMessageAsync(message, propertiesToModify: null, CancellationToken.None), message, "abandon").ConfigureAwait(false);
    }

    /// <summary>False when the settlement failed (lock lost, connection gone): the message comes back, and the store finds it a duplicate.</summary>
    private async Task<bool> SettleAsync(Func<Task> settle, ServiceBusReceivedMessage message, string settlement)
    {
        try
        {
            await settle().ConfigureAwait(false);
            return true;
        }
        catch (ServiceBusException e)
        {
            LogSettlementFailed(_logger, message.MessageId, settlement, e.Reason.ToString(), e);
            return false;
        }
    }

    private static string OutcomeName(ApplyOutcome outcome) => outcome switch
    {
        ApplyOutcome.Applied => Outcomes.Applied,
        ApplyOutcome.Duplicate => Outcomes.Duplicate,
        ApplyOutcome.IgnoredStale => Outcomes.IgnoredStale,
        ApplyOutcome.IgnoredConflict => Outcomes.IgnoredConflict,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Payment notification {MessageId} ({PartnerId} {OriginalReferenceNo}, status {Status}): {Outcome}; transaction status {PreviousStatus} -> {CurrentStatus}")]
    private static partial void LogCompleted(ILogger logger, string messageId, string partnerId, string originalReferenceNo, string status, string outcome, string? previousStatus, string currentStatus);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Payment notification {MessageId} ({PartnerId} {OriginalReferenceNo}, status {Status}): {Outcome}: the transaction is already final with status {CurrentStatus}; reconcile order {OriginalPartnerReferenceNo} with QoinHub")]
    private static partial void LogConflict(ILogger logger, string messageId, string partnerId, string originalReferenceNo, string status, string outcome, string currentStatus, string originalPartnerReferenceNo);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error,
        Message = "Payment notification {MessageId} ({PartnerId} {OriginalReferenceNo}, status {Status}): {Outcome}: {DeadLetterReason}: {DeadLetterDescription}")]
    private static partial void LogDeadLettered(ILogger logger, string? messageId, string? partnerId, string? originalReferenceNo, string? status, string outcome, string deadLetterReason, string deadLetterDescription);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Payment notification {MessageId} ({PartnerId} {OriginalReferenceNo}, status {Status}): {Outcome} after delivery {DeliveryCount}: the order store failed; Service Bus delivers it again")]
    private static partial void LogAbandoned(ILogger logger, string messageId, string partnerId, string originalReferenceNo, string status, string outcome, int deliveryCount, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "Payment notification {MessageId}: could not {Settlement} it ({ServiceBusReason}); it will be delivered again")]
    private static partial void LogSettlementFailed(ILogger logger, string? messageId, string settlement, string serviceBusReason, Exception exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Service Bus processor error ({ErrorSource}) on {EntityPath}")]
    private static partial void LogProcessorError(ILogger logger, string errorSource, string entityPath, Exception exception);
}

/// <summary>The <c>Outcome</c> of each processed message, in logs and on the span (<c>qoinhub.outcome</c>).</summary>
public static class Outcomes
{
    public const string Applied = "applied";
    public const string Duplicate = "duplicate";
    public const string IgnoredStale = "ignored-stale";
    public const string IgnoredConflict = "ignored-conflict";
    public const string DeadLettered = "dead-lettered";
    public const string Abandoned = "abandoned";
}
