using QoinHub.Merchant.Notifications;

namespace QoinHub.OperatorTool.Tests.Infrastructure;

/// <summary>A notification the app recorded: its message (the stored envelope) and the key it was recorded under.</summary>
public sealed record Seeded(NotificationMessage Message, NotificationKey Key)
{
    public string MessageId => Message.MessageId;

    public string Day => Key.JakartaDay.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
