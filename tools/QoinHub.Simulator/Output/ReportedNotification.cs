using QoinHub.Simulator.Conformance;

namespace QoinHub.Simulator.Output;

/// <summary>A notification the endpoint accepted, as reports list it: it must be on the queue exactly once.</summary>
public sealed record ReportedNotification(string PartnerId, string ExternalId, string ChannelId)
{
    public static ReportedNotification From(SentNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        return new(notification.PartnerId, notification.ExternalId, notification.ChannelId);
    }
}
