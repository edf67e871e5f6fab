namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Hands a verified notification to the queue that the merchant's order systems read.
/// Returns only once the queue has durably accepted the message; throws otherwise.
/// </summary>
public interface INotificationPublisher
{
    Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken);
}
