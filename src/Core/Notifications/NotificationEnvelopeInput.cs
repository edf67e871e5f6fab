namespace QoinHub.Merchant.Notifications;

/// <summary>What <see cref="NotificationEnvelope.Create"/> needs from one verified notification request.</summary>
/// <param name="PartnerId"><c>X-PARTNER-ID</c> as received.</param>
/// <param name="ExternalId"><c>X-EXTERNAL-ID</c> as received.</param>
/// <param name="ChannelId"><c>CHANNEL-ID</c> as received.</param>
/// <param name="Timestamp"><c>X-TIMESTAMP</c> as received (the string QoinHub signed, not re-formatted).</param>
/// <param name="ReceivedAt">When we received the request (from the injected <see cref="TimeProvider"/>).</param>
/// <param name="OriginalPartnerReferenceNo">The body's <c>originalPartnerReferenceNo</c>.</param>
/// <param name="OriginalReferenceNo">The body's <c>originalReferenceNo</c>.</param>
/// <param name="LatestTransactionStatus">The body's <c>latestTransactionStatus</c>.</param>
/// <param name="Body">The request body exactly as received; the caller has already checked it is a JSON object.</param>
public sealed record NotificationEnvelopeInput(
    string PartnerId,
    string ExternalId,
    string ChannelId,
    string Timestamp,
    DateTimeOffset ReceivedAt,
    string OriginalPartnerReferenceNo,
    string OriginalReferenceNo,
    string LatestTransactionStatus,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>
    /// The W3C trace context of the receipt (<c>00-{trace id}-{span id}-{flags}</c>), written into the
    /// envelope when it is one; null when the receipt was not traced.
    /// </summary>
    public string? TraceParent { get; init; }
}
