using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Partners;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Payment Notification Debit (service 56), in SNAP's order: headers, body, timestamp window,
/// bearer token, partner, HMAC signature; then the verified notification is delivered exactly once
/// and only then answered 2005600.
/// </summary>
public sealed partial class DebitNotifyHandler(
    IPartnerDirectory partners,
    IssuedTokenCache tokens,
    NotificationDelivery delivery,
    IOptionsMonitor<SnapOptions> options,
    TimeProvider clock,
    ILogger<DebitNotifyHandler> logger)
    : SnapHandler(SnapResponses.DebitNotify, logger)
{
    protected override async Task<SnapResult> HandleCoreAsync(SnapRequest request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (NotifyHeaders.TryRead(request, out var headers) is { } badHeader)
        {
            return Refused(badHeader, headers.Caller, MerchantTelemetry.Refusals.InvalidRequest);
        }

        if (SnapRequestChecks.JsonObjectBody(request, Responses, out var body) is { } badBody)
        {
            return Refused(badBody, headers.Caller, MerchantTelemetry.Refusals.InvalidRequest);
        }

        using (body)
        {
            if (PaymentNotification.TryParse(body!, Responses, out var notification) is { } badField)
            {
                return Refused(badField, headers.Caller, MerchantTelemetry.Refusals.InvalidRequest);
            }

            var now = clock.GetUtcNow();
            if (SnapRequestChecks.TimestampWindow(Responses, headers.TimestampText, headers.Timestamp, now, settings.TimestampTolerance) is { } stale)
            {
                return Refused(stale, headers.Caller, MerchantTelemetry.Refusals.Timestamp);
            }

            if (await CheckTokenAsync(headers, cancellationToken).ConfigureAwait(false) is { } badToken)
            {
                return Refused(badToken.Refusal, headers.Caller, badToken.Reason);
            }

            var partner = await partners.FindAsync(headers.PartnerId, cancellationToken).ConfigureAwait(false);
            if (partner is null)
            {
                return Refused(Responses.Unauthorized($"Unknown partner: X-PARTNER-ID '{headers.PartnerId}' is not registered with this merchant."), headers.Caller, MerchantTelemetry.Refusals.ClientUnknown);
            }

            // Registered, so no longer arbitrary input: the call's span may name the partner and the delivery.
            var call = Activity.Current;
            call?.SetTag(MerchantTelemetry.Attributes.PartnerId, partner.ClientId);
            call?.SetTag(MerchantTelemetry.Attributes.ExternalId, headers.ExternalId);

            NotificationSignatureMatch? match;
            using (var verification = MerchantTelemetry.Source.StartActivity(MerchantTelemetry.Spans.SignatureVerification))
            {
                match = NotificationSignatureVerifier.Verify(
                    headers.Signature, partner.ClientSecrets, request.Method, EndpointUrls(request, settings), headers.AccessToken, body!, headers.TimestampText);
                verification?.SetTag(MerchantTelemetry.Attributes.PartnerId, partner.ClientId);
                verification?.SetTag(MerchantTelemetry.Attributes.Outcome, match is null ? "refused" : "verified");
                if (match is not null)
                {
                    verification?.SetTag(MerchantTelemetry.Attributes.BodyForm, MerchantTelemetry.NameOf(match.BodyForm));
                }
            }

            if (match is null)
            {
                return Refused(Responses.Unauthorized(
                    "Invalid signature. X-SIGNATURE must be the HMAC-SHA512 (client secret) of POST:path:accessToken:lowercase hex SHA-256 of the minified body:X-TIMESTAMP, in Base64 or hex."),
                    headers.Caller,
                    MerchantTelemetry.Refusals.Signature);
            }

            call?.SetTag(MerchantTelemetry.Attributes.BodyForm, MerchantTelemetry.NameOf(match.BodyForm));
            var verified = new VerifiedNotification(headers, notification!, request.Body);
            var result = await delivery.DeliverAsync(verified, cancellationToken).ConfigureAwait(false);
            if (result.Dedupe is { } dedupe)
            {
                call?.SetTag(MerchantTelemetry.Attributes.Dedupe, dedupe);
            }

            call?.SetTag(MerchantTelemetry.Attributes.MessageId, result.MessageId);
            switch (result.Outcome)
            {
                case DeliveryOutcome.Published:
                    LogAccepted(logger, headers.PartnerId, headers.ExternalId, result.MessageId!, notification!.LatestTransactionStatus, result.Attempt, match.BodyForm, match.SecretIndex);
                    return Success();
                case DeliveryOutcome.AlreadyPublished:
                    return Success();
                case DeliveryOutcome.ExternalIdReused:
                    return Refused(Responses.Conflict(
                        $"X-EXTERNAL-ID {headers.ExternalId} was already used on {verified.Key.JakartaDay:yyyy-MM-dd} (Asia/Jakarta) for a different notification; use a new X-EXTERNAL-ID."),
                        headers.Caller,
                        MerchantTelemetry.Refusals.Conflict);
                case DeliveryOutcome.FactPayloadMismatch:
                    return Refused(Responses.Conflict(
                        $"originalReferenceNo {notification!.OriginalReferenceNo} with latestTransactionStatus {notification.LatestTransactionStatus} was already accepted with a different body; the first notification stands."),
                        headers.Caller,
                        MerchantTelemetry.Refusals.Conflict);
                case DeliveryOutcome.StillInProgress:
                    return Responses.Error(500, "00", "General Error. The same notification is still being processed; retry later.");
                default:
                    MerchantTelemetry.Fail(call, null, "the queue did not accept the notification");
                    return Responses.GeneralError();
            }
        }
    }

    /// <summary>The bearer token must be one we issued, unexpired, to the partner in <c>X-PARTNER-ID</c>.</summary>
    private async Task<(SnapResult Refusal, string Reason)?> CheckTokenAsync(NotifyHeaders headers, CancellationToken cancellationToken)
    {
        using var span = MerchantTelemetry.Source.StartActivity(MerchantTelemetry.Spans.TokenLookup);
        var lookup = await tokens.FindAsync(headers.AccessToken, cancellationToken).ConfigureAwait(false);
        (SnapResult Refusal, string Reason)? refusal = lookup.State switch
        {
            TokenState.Unknown => (Responses.InvalidToken("The access token was not issued by this merchant; request a new one with Access Token B2B."), MerchantTelemetry.Refusals.TokenUnknown),
            TokenState.Expired => (Responses.InvalidToken("The access token has expired; request a new one."), MerchantTelemetry.Refusals.TokenExpired),
            _ when !string.Equals(lookup.Token!.ClientId, headers.PartnerId, StringComparison.Ordinal) =>
                (Responses.InvalidToken("The access token was issued to another partner than X-PARTNER-ID."), MerchantTelemetry.Refusals.TokenOtherPartner),
            _ => null,
        };
        if (span is not null)
        {
            // The partner the token was issued to comes from our own record, never from the request.
            span.SetTag(MerchantTelemetry.Attributes.TokenState, refusal?.Reason ?? "valid");
            if (lookup.Token is { } issued)
            {
                span.SetTag(MerchantTelemetry.Attributes.PartnerId, issued.ClientId);
            }
        }

        return refusal;
    }

    private SnapResult Success() => Responses.Success([new(SnapHeaders.Timestamp, SnapTimestamp.Format(clock.GetUtcNow()))]);

    /// <summary>The paths QoinHub may have signed: the one received, then each configured public path.</summary>
    private static List<string> EndpointUrls(SnapRequest request, SnapOptions settings)
    {
        var urls = new List<string>(1 + settings.NotifyPaths.Count) { request.PathAndQuery };
        foreach (var path in settings.NotifyPaths)
        {
            if (!string.IsNullOrWhiteSpace(path) && !urls.Contains(path, StringComparer.Ordinal))
            {
                urls.Add(path);
            }
        }

        return urls;
    }

    [LoggerMessage(EventId = LogEvents.NotificationAccepted, Level = LogLevel.Information, Message = "Notification {PartnerId}/{ExternalId} accepted and published as {MessageId} (status {Status}, attempt {Attempt}, signed over the {BodyForm} body with secret #{SecretIndex})")]
    private static partial void LogAccepted(ILogger logger, string partnerId, string externalId, string messageId, string status, int attempt, BodyForm bodyForm, int secretIndex);
}
