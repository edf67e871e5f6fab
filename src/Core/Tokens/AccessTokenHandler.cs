using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Partners;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Tokens;

/// <summary>
/// Access Token B2B (service 73): verifies QoinHub's SHA256withRSA signature and timestamp, then
/// issues an opaque token that is recorded (by hash) before it is returned: one token per signed
/// request (the same request again gets the same token), at most <see cref="SnapOptions.MaxTokensPerMinute"/>
/// new ones per client and minute.
/// </summary>
public sealed partial class AccessTokenHandler(
    IPartnerDirectory partners,
    ITokenStore tokens,
    IOptionsMonitor<SnapOptions> options,
    TimeProvider clock,
    ILogger<AccessTokenHandler> logger)
    : SnapHandler(SnapResponses.AccessToken, logger)
{
    protected override async Task<SnapResult> HandleCoreAsync(SnapRequest request, CancellationToken cancellationToken)
    {
        var settings = options.CurrentValue;
        if (TokenRequest.TryRead(request, out var read, out var clientKey) is { } refusal)
        {
            return Refused(refusal, clientKey, MerchantTelemetry.Refusals.InvalidRequest);
        }

        var now = clock.GetUtcNow();
        if (SnapRequestChecks.TimestampWindow(Responses, read!.TimestampText, read.Timestamp, now, settings.TimestampTolerance) is { } stale)
        {
            return Refused(stale, read.ClientKey, MerchantTelemetry.Refusals.Timestamp);
        }

        var partner = await partners.FindAsync(read.ClientKey, cancellationToken).ConfigureAwait(false);
        if (partner is null)
        {
            return Refused(Responses.Unauthorized($"Unknown client: X-CLIENT-KEY '{read.ClientKey}' is not registered with this merchant."), read.ClientKey, MerchantTelemetry.Refusals.ClientUnknown);
        }

        // The client is registered, so its id is a partner id, not arbitrary input.
        Activity.Current?.SetTag(MerchantTelemetry.Attributes.PartnerId, partner.ClientId);
        bool verified;
        using (var verification = MerchantTelemetry.Source.StartActivity(MerchantTelemetry.Spans.SignatureVerification))
        {
            verified = AsymmetricSignature.Verify(partner.PublicKeys, read.ClientKey, read.TimestampText, read.Signature);
            verification?.SetTag(MerchantTelemetry.Attributes.PartnerId, partner.ClientId);
            verification?.SetTag(MerchantTelemetry.Attributes.Outcome, verified ? "verified" : "refused");
        }

        if (!verified)
        {
            return Refused(Responses.Error(400, "02", "Invalid Signature. X-SIGNATURE does not verify with the public key registered for this X-CLIENT-KEY over X-CLIENT-KEY|X-TIMESTAMP."), read.ClientKey, MerchantTelemetry.Refusals.Signature);
        }

        return await IssueAsync(read, partner.ClientId, settings, now, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Issues a token for a verified request: a new one, the one already issued for this same signed
    /// request, or none when the client is over its limit for the minute. Never two for one request.
    /// </summary>
    private async Task<SnapResult> IssueAsync(TokenRequest read, string clientId, SnapOptions settings, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var token = AccessTokenGenerator.NewToken();
        var issued = new IssuedToken(AccessTokenGenerator.Hash(token), clientId, now, now + settings.TokenLifetime);
        var requestHash = TokenRequestSeal.Hash(read);
        var windowEnd = read.Timestamp + settings.TimestampTolerance;
        var grant = new TokenGrant(requestHash, issued, TokenRequestSeal.Seal(token, read, requestHash), windowEnd > issued.ExpiresAt ? windowEnd : issued.ExpiresAt);
        var outcome = await tokens.RecordGrantAsync(grant, settings.MaxTokensPerMinute, cancellationToken).ConfigureAwait(false);
        switch (outcome.Result)
        {
            case GrantResult.Issued:
                LogIssued(logger, clientId, issued.ExpiresAt);
                MerchantTelemetry.RecordTokenIssued(clientId);
                return Answer(token, clientId, settings.TokenLifetime, now);
            case GrantResult.Repeated:
                return AnswerRepeated(read, outcome.Earlier!, now);
            default:
                var retryAfter = 60 - now.UtcDateTime.Second;
                return Refused(
                    Responses.TooManyRequests($"X-CLIENT-KEY '{clientId}' was issued {settings.MaxTokensPerMinute} access tokens this minute, its limit; reuse a token until it expires, or ask again in {retryAfter} s.", retryAfter),
                    clientId,
                    MerchantTelemetry.Refusals.RateLimited);
        }
    }

    /// <summary>The same signed request again: the token issued for it, for what is left of its lifetime.</summary>
    private SnapResult AnswerRepeated(TokenRequest read, TokenGrant earlier, DateTimeOffset now)
    {
        var clientId = earlier.Token.ClientId;
        var left = earlier.Token.ExpiresAt - now;
        if (left < TimeSpan.FromSeconds(1))
        {
            return Refused(
                Responses.Unauthorized("This signed request (X-TIMESTAMP and X-SIGNATURE) was answered before and the token issued for it has expired; sign a new request with the current X-TIMESTAMP."),
                clientId,
                MerchantTelemetry.Refusals.Replayed);
        }

        var token = TokenRequestSeal.Open(earlier.SealedToken, read, earlier.RequestHash)
            ?? throw new InvalidOperationException("The token recorded for a resent token request could not be opened; its grant row was altered.");
        LogRepeated(logger, clientId, earlier.Token.IssuedAt);
        MerchantTelemetry.RecordTokenRepeated(clientId);
        return Answer(token, clientId, left, now);
    }

    private SnapResult Answer(string token, string clientId, TimeSpan expiresIn, DateTimeOffset now)
    {
        var seconds = ((long)expiresIn.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Responses.Success(
            [
                new(SnapHeaders.Timestamp, SnapTimestamp.Format(now)),
                new(SnapHeaders.ClientKey, clientId),
                new("Cache-Control", "no-store"),
            ],
            writer =>
            {
                writer.WriteString("accessToken", token);
                writer.WriteString("tokenType", "Bearer");
                writer.WriteString("expiresIn", seconds);
                writer.WriteStartObject("additionalInfo");
                writer.WriteEndObject();
            });
    }

    [LoggerMessage(EventId = LogEvents.TokenIssued, Level = LogLevel.Information, Message = "Access token issued to {ClientId}, expires {ExpiresAt:o}")]
    private static partial void LogIssued(ILogger logger, string clientId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = LogEvents.TokenRequestRepeated, Level = LogLevel.Warning, Message = "Access token request of {ClientId} sent again (same X-TIMESTAMP and signature); answered with the token issued for it at {IssuedAt:o}, no new token")]
    private static partial void LogRepeated(ILogger logger, string clientId, DateTimeOffset issuedAt);
}
