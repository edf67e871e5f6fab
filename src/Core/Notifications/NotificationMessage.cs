namespace QoinHub.Merchant.Notifications;

/// <summary>
/// One message for the queue: the envelope (see docs/messages.md) and the fields a broker needs
/// to route and deduplicate it.
/// </summary>
/// <param name="MessageId">Deterministic id (partner, originalReferenceNo, status) for the broker's duplicate detection.</param>
/// <param name="Envelope">The UTF-8 JSON envelope, the message body on every queue.</param>
public sealed record NotificationMessage(
    string MessageId,
    string PartnerId,
    string ExternalId,
    string ChannelId,
    string OriginalPartnerReferenceNo,
    string OriginalReferenceNo,
    string LatestTransactionStatus,
    ReadOnlyMemory<byte> Envelope)
{
    /// <summary>
    /// The trace context of the notification's receipt, as the envelope's <c>traceparent</c> field
    /// holds it (null when it has none, or none in W3C form). Read from the envelope, so a message
    /// restored from the ledger carries the same context as the one first built.
    /// </summary>
    public string? TraceParent => NotificationEnvelope.ReadTraceParent(Envelope.Span);

    /// <summary>
    /// The schema version the envelope was written with, read from it: a record stored by an older
    /// version of the app and published later says what its body is. The current version when the
    /// envelope has none.
    /// </summary>
    public string SchemaVersion => NotificationEnvelope.ReadSchemaVersion(Envelope.Span) ?? NotificationEnvelope.SchemaVersion;
}
