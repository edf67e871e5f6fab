
namespace QoinHub.Simulator.Protocol;

/// <summary>
/// Everything that decides one notification request before it is signed. The defaults are a
/// correct notification as QoinHub sends it; each property bends one aspect.
/// </summary>
public sealed record NotificationSpec
{
    public required NotificationPayload Payload { get; init; }

    public required string ExternalId { get; init; }

    public string ChannelId { get; init; } = DefaultChannelId;

    /// <summary>The <c>X-PARTNER-ID</c> header; null sends the signing partner's client id.</summary>
    public string? PartnerId { get; init; }

    /// <summary>How the body is written on the wire; compact as JavaScript writes it by default.</summary>
    public JsonForm BodyForm { get; init; } = JsonForm.JavaScript;

    /// <summary>Which form of the sent body the signature hashes; the sent bytes minified by default, as SNAP says.</summary>
    public JsonForm SignedForm { get; init; } = JsonForm.Minified;

    public SignatureEncoding SignatureEncoding { get; init; } = SignatureEncoding.Base64;

    /// <summary>The EndpointUrl in the string to sign; null signs the path the request is sent to.</summary>
    public string? SignedPath { get; init; }

    /// <summary>The <c>X-TIMESTAMP</c> text (sent and signed as is); null means the current time.</summary>
    public string? Timestamp { get; init; }

    public string ContentType { get; init; } = "application/json";

    /// <summary>Sent and signed instead of the payload (not JSON, oversized bodies).</summary>
    public ReadOnlyMemory<byte>? RawBody { get; init; }

    public const string DefaultChannelId = "95221";

    /// <summary>A successful payment with a fresh external id and references derived from it.</summary>
    public static NotificationSpec ForPayment(string externalId, DateTimeOffset createdAt, string status = "00") => new()
    {
        ExternalId = externalId,
        Payload = new NotificationPayload(
            OriginalPartnerReferenceNo: "ORD" + (externalId.Length > 12 ? externalId[^12..] : externalId),
            OriginalReferenceNo: "QH" + externalId,
            LatestTransactionStatus: status,
            TransactionStatusDesc: NotificationPayload.DescribeStatus(status),
            CreatedTime: SnapTime.Format(createdAt),
            AdditionalInfo: []),
    };
}
