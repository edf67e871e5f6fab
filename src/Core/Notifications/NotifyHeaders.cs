using System.Text.RegularExpressions;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The headers of a Payment Notification Debit, read and checked in order: <c>Content-Type</c>,
/// <c>X-PARTNER-ID</c>, <c>X-EXTERNAL-ID</c>, <c>Authorization</c>, <c>X-TIMESTAMP</c>,
/// <c>X-SIGNATURE</c>, <c>CHANNEL-ID</c>. Filled in that order, so a refusal can log what was
/// known before it.
/// </summary>
public sealed partial class NotifyHeaders
{
    public const int MaxPartnerIdLength = 128;
    public const int MaxExternalIdLength = 36;
    public const int MaxChannelIdLength = 64;
    private const int MaxAuthorizationLength = 1024;
    private const int MaxSignatureLength = 256;
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

        if (SnapRequestChecks.RequiredHeader(request, Responses, SnapHeaders.PartnerId, MaxPartnerIdLength, out var partnerId) is { } badPartner)
        {
            return badPartner;
        }

        headers.PartnerId = partnerId;
        if (SnapRequestChecks.RequiredHeader(request, Responses, SnapHeaders.ExternalId, MaxExternalIdLength, out var externalId, ExternalIdFormat) is { } badExternalId)
        {
            return badExternalId;
        }

        if (!Numeric().IsMatch(externalId))
        {
            return Responses.InvalidFieldFormat(SnapHeaders.ExternalId, ExternalIdFormat);
        }

        headers.ExternalId = externalId;
        if (SnapRequestChecks.RequiredHeader(request, Responses, SnapHeaders.Authorization, MaxAuthorizationLength, out var authorization, AuthorizationFormat) is { } badAuthorization)
        {
            return badAuthorization;
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || authorization.Length == BearerPrefix.Length ||
            authorization.AsSpan(BearerPrefix.Length).ContainsAny(' ', ','))
        {
            return Responses.InvalidFieldFormat(SnapHeaders.Authorization, AuthorizationFormat);
        }

        headers.AccessToken = authorization[BearerPrefix.Length..];
        if (SnapRequestChecks.Timestamp(request, Responses, out var timestamp, out var moment) is { } badTimestamp)
        {
            return badTimestamp;
        }

        headers.TimestampText = timestamp;
        headers.Timestamp = moment;
        if (SnapRequestChecks.RequiredHeader(request, Responses, SnapHeaders.Signature, MaxSignatureLength, out var signature, SignatureFormat) is { } badSignature)
        {
            return badSignature;
        }

        if (!SymmetricSignature.TryDecode(signature, out var decoded))
        {
            return Responses.InvalidFieldFormat(SnapHeaders.Signature, SignatureFormat);
        }

        headers.Signature = decoded;
        if (SnapRequestChecks.RequiredHeader(request, Responses, SnapHeaders.ChannelId, MaxChannelIdLength, out var channelId) is { } badChannel)
        {
            return badChannel;
        }

        headers.ChannelId = channelId;
        return null;
    }

    private const string ExternalIdFormat = "It must be numeric, at most 36 digits.";
    private const string AuthorizationFormat = "It must be 'Bearer <accessToken>' with the token from Access Token B2B.";
    private const string SignatureFormat = "It must be the HMAC-SHA512 signature (64 bytes) in Base64 or hex.";

    [GeneratedRegex("^[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Numeric();
}
