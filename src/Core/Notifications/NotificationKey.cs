using System.Globalization;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// What makes a notification unique: the partner, the Asia/Jakarta day of its <c>X-TIMESTAMP</c>
/// and its <c>X-EXTERNAL-ID</c> (SNAP: unique per partner within one day).
/// </summary>
public sealed record NotificationKey(string PartnerId, DateOnly JakartaDay, string ExternalId)
{
    public static NotificationKey For(string partnerId, DateTimeOffset timestamp, string externalId) =>
        new(partnerId, DateOnly.FromDateTime(timestamp.ToOffset(SnapTimestamp.JakartaOffset).DateTime), externalId);

    public string Day => JakartaDay.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}
