using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Partners;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Payment Notification Debit (service 56): verifies the bearer token, timestamp and HMAC
/// signature, claims the notification in the ledger, publishes it and only then answers
/// 2005600. Any failure of ours answers 5005600 so that QoinHub retries.
/// </summary>
public sealed partial class DebitNotifyHandler(
    IPartnerDirectory partners,
    TokenValidator tokens,
    INotificationLedger ledger,
    INotificationPublisher publisher,
    IOptionsMonitor<SnapOptions> options,
    TimeProvider clock,
    ILogger<DebitNotifyHandler> logger)
{
    private const string BearerPrefix = "Bearer ";
    private const int MaxExternalIdLength = 36;
    private const int MaxChannelIdLength = 64;
    private const int MaxPartnerIdLength = 128;

    /// <summary>How long a claim lasts: longer than the publisher's own retries take.</summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    /// <summary>How often, and how long in all, a duplicate waits for an in-flight twin to finish.</summary>
    internal static readonly TimeSpan InFlightPoll = TimeSpan.FromMilliseconds(100);
    internal const int InFlightPolls = 100;

    private static readonly SnapService Service = SnapService.DebitNotify;

    public async Task<SnapResult> HandleAsync(SnapRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.CurrentValue;
        var refusal = ValidateHeaders(request, out var headers) ?? SnapRequestChecks.BodySize(request, Service, settings.MaxBodyBytes);
        if (refusal is not null)
        {
            return Refused(refusal, headers.PartnerId, headers.ExternalId);
        }

        refusal = PaymentNotification.TryParse(request.Body, Service, out var notification);
        if (refusal is not null)
        {
            return Refused(refusal, headers.PartnerId, headers.ExternalId);
        }

        var now = clock.GetUtcNow();
        if (SnapRequestChecks.TimestampWindow(Service, headers.TimestampText, headers.Timestamp, now, settings.TimestampTolerance) is { } stale)
        {
            return Refused(stale, headers.PartnerId, headers.ExternalId);
        }

        try
        {
            var issued = await tokens.FindAsync(headers.AccessToken, cancellationToken).ConfigureAwait(false);
            if (issued is null)
            {
                return Refused(Service.InvalidToken("The access token was not issued by this merchant; request a new one from /api/v1.0/access-token/b2b."), headers.PartnerId, headers.ExternalId);
            }

            if (issued.ExpiresAt <= now)
            {
                return Refused(Service.InvalidToken("The access token has expired; request a new one."), headers.PartnerId, headers.ExternalId);
            }

            if (!string.Equals(issued.ClientId, headers.PartnerId, StringComparison.Ordinal))
            {
                return Refused(Service.InvalidToken("The access token was issued to another partner than X-PARTNER-ID."), headers.PartnerId, headers.ExternalId);
            }

            var partner = await partners.FindAsync(headers.PartnerId, cancellationToken).ConfigureAwait(false);
            if (partner is null)
            {
                return Refused(Service.Unauthorized($"Unknown partner: X-PARTNER-ID '{headers.PartnerId}' is not registered with this merchant."), headers.PartnerId, headers.ExternalId);
            }

            var match = NotificationSignatureVerifier.Verify(
                headers.Signature, partner.ClientSecrets, request.Method, EndpointUrls(request, settings), headers.AccessToken, request.Body, headers.TimestampText);
            if (match is null)
            {
                return Refused(Service.Unauthorized(
                    "Invalid signature. X-SIGNATURE must be the HMAC-SHA512 (client secret) of POST:path:accessToken:lowercase hex SHA-256 of the minified body:X-TIMESTAMP, in Base64 or hex."),
                    headers.PartnerId, headers.ExternalId);
            }

            return await AcceptAsync(request, headers, notification!, match, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDependencyFailure(logger, headers.PartnerId, headers.ExternalId, exception);
            return Service.GeneralError();
        }
    }

    private async Task<SnapResult> AcceptAsync(SnapRequest request, NotifyHeaders headers, PaymentNotification notification, NotificationSignatureMatch match, CancellationToken cancellationToken)
    {
        var key = NotificationKey.For(headers.PartnerId, headers.Timestamp, headers.ExternalId);
        for (var poll = 0; ; poll++)
        {
            var claim = await ledger.ClaimAsync(key, notification.PayloadHash, clock.GetUtcNow(), ClaimLease, cancellationToken).ConfigureAwait(false);
            switch (claim.Outcome)
            {
                case LedgerOutcome.PayloadMismatch:
                    return Refused(Service.Conflict(
                        $"X-EXTERNAL-ID {headers.ExternalId} was already used on {key.JakartaDay:yyyy-MM-dd} (Asia/Jakarta) for a different notification; use a new X-EXTERNAL-ID."),
                        headers.PartnerId, headers.ExternalId);
                case LedgerOutcome.AlreadyPublished:
                    LogDuplicate(logger, headers.PartnerId, headers.ExternalId);
                    return Success();
                case LedgerOutcome.InProgress when poll < InFlightPolls:
                    await Task.Delay(InFlightPoll, cancellationToken).ConfigureAwait(false);
                    continue;
                case LedgerOutcome.InProgress:
                    LogStillInProgress(logger, headers.PartnerId, headers.ExternalId);
                    return Service.Error(500, "00", "General Error. The same notification is still being processed; retry later.");
                default:
                    return await PublishAsync(headers, notification, request.Body, claim, match, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<SnapResult> PublishAsync(NotifyHeaders headers, PaymentNotification notification, ReadOnlyMemory<byte> body, LedgerClaim claim, NotificationSignatureMatch match, CancellationToken cancellationToken)
    {
        var message = NotificationEnvelope.Create(new NotificationEnvelopeInput(
            headers.PartnerId,
            headers.ExternalId,
            headers.ChannelId,
            headers.TimestampText,
            claim.FirstReceivedAt,
            notification.OriginalPartnerReferenceNo,
            notification.OriginalReferenceNo,
            notification.LatestTransactionStatus,
            body));
        try
        {
            await publisher.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPublishFailed(logger, headers.PartnerId, headers.ExternalId, message.MessageId, exception);
            await TryReleaseAsync(claim).ConfigureAwait(false);
            return Service.GeneralError();
        }

        try
        {
            await ledger.MarkPublishedAsync(claim, clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The queue has the message, so the answer is success. A retry would publish again with
            // the same message id, which Service Bus duplicate detection drops.
            LogMarkFailed(logger, headers.PartnerId, headers.ExternalId, message.MessageId, exception);
        }

        LogAccepted(logger, headers.PartnerId, headers.ExternalId, message.MessageId, notification.LatestTransactionStatus, claim.Attempt, match.BodyForm, match.SecretIndex);
        return Success();
    }

    private async Task TryReleaseAsync(LedgerClaim claim)
    {
        try
        {
            await ledger.ReleaseAsync(claim, clock.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The lease simply runs out instead.
            LogReleaseFailed(logger, claim.Key.PartnerId, claim.Key.ExternalId, exception);
        }
    }

    private SnapResult Success() =>
        Service.Success(SnapJson.ResponseBody($"200{Service.Code}00", "Successful"), [new(SnapHeaders.Timestamp, SnapTimestamp.Format(clock.GetUtcNow()))]);

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

    private static SnapResult? ValidateHeaders(SnapRequest request, out NotifyHeaders headers)
    {
        headers = new NotifyHeaders();
        if (SnapRequestChecks.JsonContentType(request, Service) is { } badContentType)
        {
            return badContentType;
        }

        var partnerId = request.Header(SnapHeaders.PartnerId);
        if (string.IsNullOrEmpty(partnerId))
        {
            return Service.MissingMandatoryField(SnapHeaders.PartnerId);
        }

        if (partnerId.Length > MaxPartnerIdLength)
        {
            return Service.InvalidFieldFormat(SnapHeaders.PartnerId, $"It must be at most {MaxPartnerIdLength} characters.");
        }

        headers.PartnerId = partnerId;

        var externalId = request.Header(SnapHeaders.ExternalId);
        if (string.IsNullOrEmpty(externalId))
        {
            return Service.MissingMandatoryField(SnapHeaders.ExternalId);
        }

        if (!Numeric().IsMatch(externalId) || externalId.Length > MaxExternalIdLength)
        {
            return Service.InvalidFieldFormat(SnapHeaders.ExternalId, $"It must be numeric, at most {MaxExternalIdLength} digits.");
        }

        headers.ExternalId = externalId;

        var authorization = request.Header(SnapHeaders.Authorization);
        if (string.IsNullOrEmpty(authorization))
        {
            return Service.MissingMandatoryField(SnapHeaders.Authorization);
        }

        if (!authorization.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || authorization.Length == BearerPrefix.Length ||
            authorization.AsSpan(BearerPrefix.Length).ContainsAny(' ', ','))
        {
            return Service.InvalidFieldFormat(SnapHeaders.Authorization, "It must be 'Bearer <accessToken>' with the token from /api/v1.0/access-token/b2b.");
        }

        headers.AccessToken = authorization[BearerPrefix.Length..];

        if (SnapRequestChecks.Timestamp(request, Service, out var timestamp, out var moment) is { } badTimestamp)
        {
            return badTimestamp;
        }

        headers.TimestampText = timestamp;
        headers.Timestamp = moment;

        var signature = request.Header(SnapHeaders.Signature);
        if (string.IsNullOrEmpty(signature))
        {
            return Service.MissingMandatoryField(SnapHeaders.Signature);
        }

        if (!SymmetricSignature.TryDecode(signature, out var decoded))
        {
            return Service.InvalidFieldFormat(SnapHeaders.Signature, "It must be the HMAC-SHA512 signature (64 bytes) in Base64 or hex.");
        }

        headers.Signature = decoded;

        var channelId = request.Header(SnapHeaders.ChannelId);
        if (string.IsNullOrEmpty(channelId))
        {
            return Service.MissingMandatoryField(SnapHeaders.ChannelId);
        }

        if (channelId.Length > MaxChannelIdLength)
        {
            return Service.InvalidFieldFormat(SnapHeaders.ChannelId, $"It must be at most {MaxChannelIdLength} characters.");
        }

        headers.ChannelId = channelId;
        return null;
    }

    private SnapResult Refused(SnapResult result, string partnerId, string externalId)
    {
        LogRefused(logger, result.ResponseCode, partnerId, externalId, result.ResponseMessage);
        return result;
    }

    [GeneratedRegex("^[0-9]+$", RegexOptions.CultureInvariant)]
    private static partial Regex Numeric();

    /// <summary>The headers once validated; filled in order, so a refusal logs what was known.</summary>
    private sealed class NotifyHeaders
    {
        public string PartnerId { get; set; } = string.Empty;

        public string ExternalId { get; set; } = string.Empty;

        public string AccessToken { get; set; } = string.Empty;

        public string TimestampText { get; set; } = string.Empty;

        public DateTimeOffset Timestamp { get; set; }

        public byte[] Signature { get; set; } = [];

        public string ChannelId { get; set; } = string.Empty;
    }

    [LoggerMessage(EventId = 5601, Level = LogLevel.Information, Message = "Notification {PartnerId}/{ExternalId} accepted and published as {MessageId} (status {Status}, attempt {Attempt}, signed over the {BodyForm} body with secret #{SecretIndex})")]
    private static partial void LogAccepted(ILogger logger, string partnerId, string externalId, string messageId, string status, int attempt, BodyForm bodyForm, int secretIndex);

    [LoggerMessage(EventId = 5602, Level = LogLevel.Warning, Message = "Notification refused with {ResponseCode} (partner '{PartnerId}', external id '{ExternalId}'): {Reason}")]
    private static partial void LogRefused(ILogger logger, string responseCode, string partnerId, string externalId, string reason);

    [LoggerMessage(EventId = 5603, Level = LogLevel.Information, Message = "Notification {PartnerId}/{ExternalId} was published before; answered success without publishing again")]
    private static partial void LogDuplicate(ILogger logger, string partnerId, string externalId);

    [LoggerMessage(EventId = 5604, Level = LogLevel.Error, Message = "Notification {PartnerId}/{ExternalId} could not be published as {MessageId}; answered 5005600 so that it is retried")]
    private static partial void LogPublishFailed(ILogger logger, string partnerId, string externalId, string messageId, Exception exception);

    [LoggerMessage(EventId = 5605, Level = LogLevel.Warning, Message = "Notification {PartnerId}/{ExternalId} was published as {MessageId} but the ledger could not record it")]
    private static partial void LogMarkFailed(ILogger logger, string partnerId, string externalId, string messageId, Exception exception);

    [LoggerMessage(EventId = 5606, Level = LogLevel.Error, Message = "Notification {PartnerId}/{ExternalId} failed: a dependency is unavailable; answered 5005600 so that it is retried")]
    private static partial void LogDependencyFailure(ILogger logger, string partnerId, string externalId, Exception exception);

    [LoggerMessage(EventId = 5607, Level = LogLevel.Warning, Message = "Notification {PartnerId}/{ExternalId} is still being processed by another request; answered 5005600")]
    private static partial void LogStillInProgress(ILogger logger, string partnerId, string externalId);

    [LoggerMessage(EventId = 5608, Level = LogLevel.Warning, Message = "Could not release the claim on {PartnerId}/{ExternalId}; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, string partnerId, string externalId, Exception exception);
}
