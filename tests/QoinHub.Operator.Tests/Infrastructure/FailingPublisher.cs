using QoinHub.Merchant.Notifications;

namespace QoinHub.OperatorTool.Tests.Infrastructure;

/// <summary>A queue that accepts nothing: what leaves a notification recorded but unpublished.</summary>
public sealed class FailingPublisher : INotificationPublisher
{
    public Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken) =>
        throw new NotificationPublishException("The test queue accepts nothing.");
}
