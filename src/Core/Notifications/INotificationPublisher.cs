namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Hands a verified notification to the queue that the merchant's order systems read.
/// Returns only once the queue has durably accepted the message; throws otherwise.
/// </summary>
public interface INotificationPublisher
{
    Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// The queue's kind as telemetry names it (the <c>messaging.system</c> attribute):
    /// <c>servicebus</c>, <c>storage_queue</c>.
    /// </summary>
    string MessagingSystem => "other";
}
