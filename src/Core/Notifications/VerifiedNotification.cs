namespace QoinHub.Merchant.Notifications;

/// <summary>A notification whose token, timestamp and signature verified: what the delivery needs to record and publish it.</summary>
public sealed record VerifiedNotification(NotifyHeaders Headers, PaymentNotification Notification, ReadOnlyMemory<byte> Body)
{
    /// <summary>The ledger key: partner, Asia/Jakarta day of <c>X-TIMESTAMP</c>, <c>X-EXTERNAL-ID</c>.</summary>
    public NotificationKey Key { get; } = NotificationKey.For(Headers.PartnerId, Headers.Timestamp, Headers.ExternalId);

    /// <summary>The queue message, stamped with when the notification was first received and, when traced, the receipt's trace context.</summary>
    public NotificationMessage ToMessage(DateTimeOffset firstReceivedAt, string? traceParent = null) =>
        NotificationEnvelope.Create(new NotificationEnvelopeInput(
            Headers.PartnerId,
            Headers.ExternalId,
            Headers.ChannelId,
            Headers.TimestampText,
            firstReceivedAt,
            Notification.OriginalPartnerReferenceNo,
            Notification.OriginalReferenceNo,
            Notification.LatestTransactionStatus,
            Body)
        {
            TraceParent = traceParent,
        });
}
