using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The headers of a Payment Notification Debit, read and checked in order: <c>Content-Type</c>,
/// <c>X-PARTNER-ID</c>, <c>X-EXTERNAL-ID</c>, <c>Authorization</c>, <c>X-TIMESTAMP</c>,
/// <c>X-SIGNATURE</c>, <c>CHANNEL-ID</c>. Filled in that order, so a refusal can log what was
/// known before it.
/// </summary>
public sealed class NotifyHeaders
{
    private const string BearerPrefix = "Bearer ";

    private static SnapResponses Responses => SnapResponses.DebitNotify;

    public string PartnerId { get; private set; } = string.Empty;

    public string ExternalId { get; private set; } = string.Empty;

    /// <summary>The bearer token: never logged, never stored.</summary>
    public string AccessToken { get; private set; } = string.Empty;

    /// <summary><c>X-TIMESTAMP</c> as received (the string QoinHub signed).</summary>
    public string TimestampText { get; private set; } = string.Empty;

    public DateTimeOffset Timestamp { get; private set; }

    /// <summary>The decoded HMAC-SHA512 (64 bytes).</summary>
    public byte[] Signature { get; private set; } = [];

    public string ChannelId { get; private set; } = string.Empty;

    /// <summary>Who sent it, as far as known, for logs: partner and external id.</summary>
    public string Caller => $"partner '{PartnerId}', external id '{ExternalId}'";

    /// <summary>Reads the headers; on failure returns the refusal, with <paramref name="headers"/> holding what was read before it.</summary>
    public static SnapResult? TryRead(SnapRequest request, out NotifyHeaders headers)
    {
        ArgumentNullException.ThrowIfNull(request);
        headers = new NotifyHeaders();
        if (SnapRequestChecks.JsonContentType(request, Responses) is { } badContentType)
        {
            return badContentType;
        }

        if (SnapRequestChecks.RequiredHeader(request, Responses, HeaderRule.PartnerId, out var partnerId) is { } badPartner)
        {
            return badPartner;
        }

        headers.PartnerId = partnerId;
        if (SnapRequestChecks.RequiredHeader(request, Responses, HeaderRule.ExternalId, out var externalId) is { } badExternalId)
        {
            return badExternalId;
        }

        headers.ExternalId = externalId;
        if (SnapRequestChecks.RequiredHeader(request, Responses, HeaderRule.Authorization, out var authorization) is { } badAuthorization)
        {
            return badAuthorization;
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || authorization.Length == BearerPrefix.Length ||
            authorization.AsSpan(BearerPrefix.Length).ContainsAny(' ', ','))
        {
            return Responses.InvalidFieldFormat(SnapHeaders.Authorization, $"It must be {HeaderRule.Authorization.Description}.");
        }

        headers.AccessToken = authorization[BearerPrefix.Length..];
        if (SnapRequestChecks.Timestamp(request, Responses, out var timestamp, out var moment) is { } badTimestamp)
        {
            return badTimestamp;
        }

        headers.TimestampText = timestamp;
        headers.Timestamp = moment;
        if (SnapRequestChecks.RequiredHeader(request, Responses, HeaderRule.HmacSignature, out var signature) is { } badSignature)
        {
            return badSignature;
        }

        if (!SymmetricSignature.TryDecode(signature, out var decoded))
        {
            return Responses.InvalidFieldFormat(SnapHeaders.Signature, $"It must be {HeaderRule.HmacSignature.Description}.");
        }

        headers.Signature = decoded;
        if (SnapRequestChecks.RequiredHeader(request, Responses, HeaderRule.ChannelId, out var channelId) is { } badChannel)
        {
            return badChannel;
        }

        headers.ChannelId = channelId;
        return null;
    }
}
