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
/// issues an opaque token that is recorded (by hash) before it is returned.
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

        var token = AccessTokenGenerator.NewToken();
        var issued = new IssuedToken(AccessTokenGenerator.Hash(token), partner.ClientId, now, now + settings.TokenLifetime);
        await tokens.RecordAsync(issued, cancellationToken).ConfigureAwait(false);

        LogIssued(logger, partner.ClientId, issued.ExpiresAt);
        MerchantTelemetry.RecordTokenIssued(partner.ClientId);
        var expiresIn = ((long)settings.TokenLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return Responses.Success(
            [
                new(SnapHeaders.Timestamp, SnapTimestamp.Format(now)),
                new(SnapHeaders.ClientKey, partner.ClientId),
                new("Cache-Control", "no-store"),
            ],
            writer =>
            {
                writer.WriteString("accessToken", token);
                writer.WriteString("tokenType", "Bearer");
                writer.WriteString("expiresIn", expiresIn);
                writer.WriteStartObject("additionalInfo");
                writer.WriteEndObject();
            });
    }

    [LoggerMessage(EventId = LogEvents.TokenIssued, Level = LogLevel.Information, Message = "Access token issued to {ClientId}, expires {ExpiresAt:o}")]
    private static partial void LogIssued(ILogger logger, string clientId, DateTimeOffset expiresAt);
}
