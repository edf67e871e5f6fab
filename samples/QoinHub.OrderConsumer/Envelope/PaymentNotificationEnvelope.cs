namespace QoinHub.OrderConsumer.Envelope;

/// <summary>
/// The message body the merchant callbacks app publishes (docs/messages.md, JSON Schema
/// docs/schemas/payment-notification.v1.schema.json), as far as an order system needs it. Fields a
/// later 1.x adds are ignored, as the versioning rules ask.
/// </summary>
public sealed record PaymentNotificationEnvelope(
    string SchemaVersion,
    string Type,
    string MessageId,
    string PartnerId,
    string ExternalId,
    string ChannelId,
    string Timestamp,
    string ReceivedAt,
    string? TraceParent,
    PaymentNotification Notification)
{
    /// <summary>The only <c>type</c> of envelope version 1.</summary>
    public const string DebitType = "qoinhub.payment-notification.debit";
}

/// <summary>The SNAP <em>Payment Notification Debit</em> body inside the envelope (QoinHub's fields, passed through).</summary>
/// <param name="OriginalPartnerReferenceNo">The merchant's own reference: what an order is looked up by.</param>
/// <param name="OriginalReferenceNo">QoinHub's reference of the transaction.</param>
/// <param name="LatestTransactionStatus">Two digits, see <see cref="Orders.PaymentStatuses"/>.</param>
public sealed record PaymentNotification(
    string CreatedTime,
    string LatestTransactionStatus,
    string OriginalPartnerReferenceNo,
    string OriginalReferenceNo,
    string TransactionStatusDesc);
