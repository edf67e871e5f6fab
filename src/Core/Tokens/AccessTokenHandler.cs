using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Partners;
using QoinHub.Merchant.Snap;

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
{
    private const string GrantType = "client_credentials";
    private static readonly SnapService Service = SnapService.AccessToken;

    public async Task<SnapResult> HandleAsync(SnapRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = options.CurrentValue;
        var refusal = Validate(request, settings, out var clientKey, out var timestamp, out var signature);
        if (refusal is not null)
        {
            return Refused(refusal, clientKey);
        }

        var now = clock.GetUtcNow();
        if (SnapRequestChecks.TimestampWindow(Service, timestamp.Text, timestamp.Moment, now, settings.TimestampTolerance) is { } stale)
        {
            return Refused(stale, clientKey);
        }

        PartnerCredentials? partner;
        try
        {
            partner = await partners.FindAsync(clientKey, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDependencyFailure(logger, "partner directory", clientKey, exception);
            return Service.GeneralError();
        }

        if (partner is null)
        {
            return Refused(Service.Unauthorized($"Unknown client: X-CLIENT-KEY '{clientKey}' is not registered with this merchant."), clientKey);
        }

        if (!AsymmetricSignature.Verify(partner.PublicKeys, clientKey, timestamp.Text, signature))
        {
            return Refused(Service.Error(400, "02", "Invalid Signature. X-SIGNATURE does not verify with the public key registered for this X-CLIENT-KEY over X-CLIENT-KEY|X-TIMESTAMP."), clientKey);
        }

        var token = AccessTokenGenerator.NewToken();
        var issued = new IssuedToken(AccessTokenGenerator.Hash(token), partner.ClientId, now, now + settings.TokenLifetime);
        try
        {
            await tokens.RecordAsync(issued, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDependencyFailure(logger, "token store", clientKey, exception);
            return Service.GeneralError();
        }

        LogIssued(logger, partner.ClientId, issued.ExpiresAt);
        var expiresIn = ((long)settings.TokenLifetime.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = SnapJson.ResponseBody($"200{Service.Code}00", "Successful", writer =>
        {
            writer.WriteString("accessToken", token);
            writer.WriteString("tokenType", "Bearer");
            writer.WriteString("expiresIn", expiresIn);
            writer.WriteStartObject("additionalInfo");
            writer.WriteEndObject();
        });
        return Service.Success(body,
        [
            new(SnapHeaders.Timestamp, SnapTimestamp.Format(now)),
            new(SnapHeaders.ClientKey, partner.ClientId),
            new("Cache-Control", "no-store"),
        ]);
    }

    private static SnapResult? Validate(SnapRequest request, SnapOptions settings, out string clientKey, out (string Text, DateTimeOffset Moment) timestamp, out byte[] signature)
    {
        clientKey = string.Empty;
        timestamp = default;
        signature = [];

        if (SnapRequestChecks.JsonContentType(request, Service) is { } badContentType)
        {
            return badContentType;
        }

        if (SnapRequestChecks.Timestamp(request, Service, out var timestampText, out var moment) is { } badTimestamp)
        {
            return badTimestamp;
        }

        timestamp = (timestampText, moment);

        var client = request.Header(SnapHeaders.ClientKey);
        if (string.IsNullOrEmpty(client))
        {
            return Service.MissingMandatoryField(SnapHeaders.ClientKey);
        }

        clientKey = client;

        var signatureText = request.Header(SnapHeaders.Signature);
        if (string.IsNullOrEmpty(signatureText))
        {
            return Service.MissingMandatoryField(SnapHeaders.Signature);
        }

        if (!AsymmetricSignature.TryDecode(signatureText, out signature))
        {
            return Service.InvalidFieldFormat(SnapHeaders.Signature, "It must be the Base64 SHA256withRSA signature of X-CLIENT-KEY|X-TIMESTAMP.");
        }

        return SnapRequestChecks.BodySize(request, Service, settings.MaxBodyBytes) ?? ValidateBody(request.Body);
    }

    private static SnapResult? ValidateBody(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Service.BadRequest("The body must be a JSON object.");
            }

            if (!root.TryGetProperty("grantType", out var grantType) || grantType.ValueKind == JsonValueKind.Null)
            {
                return Service.MissingMandatoryField("grantType");
            }

            if (grantType.ValueKind != JsonValueKind.String || grantType.GetString() != GrantType)
            {
                return Service.InvalidFieldFormat("grantType", $"The only supported value is \"{GrantType}\".");
            }

            if (root.TryGetProperty("additionalInfo", out var additionalInfo) &&
                additionalInfo.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                return Service.InvalidFieldFormat("additionalInfo", "It must be a JSON object when present.");
            }
        }
        catch (JsonException)
        {
            return Service.BadRequest("The body is not valid JSON.");
        }

        return null;
    }

    private SnapResult Refused(SnapResult result, string clientKey)
    {
        LogRefused(logger, result.ResponseCode, clientKey, result.ResponseMessage);
        return result;
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Access token issued to {ClientId}, expires {ExpiresAt:o}")]
    private static partial void LogIssued(ILogger logger, string clientId, DateTimeOffset expiresAt);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Warning, Message = "Access token request refused with {ResponseCode} for client '{ClientId}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string responseCode, string clientId, string reason);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Error, Message = "Access token request for client '{ClientId}' failed: the {Dependency} is unavailable")]
    private static partial void LogDependencyFailure(ILogger logger, string dependency, string clientId, Exception exception);
}
