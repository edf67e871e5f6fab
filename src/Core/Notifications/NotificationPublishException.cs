namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The queue did not durably accept a message. The notify handler answers 5xx so that QoinHub
/// retries; the message id makes the retry safe. The message never contains secrets or the body.
/// </summary>
public sealed class NotificationPublishException : Exception
{
    public NotificationPublishException()
    {
    }

    public NotificationPublishException(string message)
        : base(message)
    {
    }

    public NotificationPublishException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
