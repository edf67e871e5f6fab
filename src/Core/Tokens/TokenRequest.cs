using System.Text.Json;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tokens;

/// <summary>
/// An Access Token B2B request once its headers and body are read and checked in SNAP's order:
/// <c>Content-Type</c>, <c>X-TIMESTAMP</c>, <c>X-CLIENT-KEY</c>, <c>X-SIGNATURE</c>, then the body
/// <c>{"grantType":"client_credentials","additionalInfo":{}}</c>.
/// </summary>
public sealed record TokenRequest(string ClientKey, string TimestampText, DateTimeOffset Timestamp, byte[] Signature)
{
    public const string GrantType = "client_credentials";

    private static SnapResponses Responses => SnapResponses.AccessToken;

    /// <summary>Reads the request; on failure returns the refusal and, in <paramref name="clientKey"/>, the client if known so far.</summary>
    public static SnapResult? TryRead(SnapRequest request, out TokenRequest? read, out string clientKey)
    {
        ArgumentNullException.ThrowIfNull(request);
        read = null;
        clientKey = string.Empty;
        if (SnapRequestChecks.JsonContentType(request, Responses) is { } badContentType)
        {
            return badContentType;
        }

        if (SnapRequestChecks.Timestamp(request, Responses, out var timestampText, out var timestamp) is { } badTimestamp)
        {
            return badTimestamp;
        }

        if (SnapRequestChecks.RequiredHeader(request, Responses, HeaderRule.ClientKey, out var client) is { } badClient)
        {
            return badClient;
        }

        clientKey = client;
        if (SnapRequestChecks.RequiredHeader(request, Responses, HeaderRule.RsaSignature, out var signatureText) is { } badSignature)
        {
            return badSignature;
        }

        if (!AsymmetricSignature.TryDecode(signatureText, out var signature))
        {
            return Responses.InvalidFieldFormat(SnapHeaders.Signature, $"It must be {HeaderRule.RsaSignature.Description}.");
        }

        if (ReadBody(request) is { } badBody)
        {
            return badBody;
        }

        read = new TokenRequest(client, timestampText, timestamp, signature);
        return null;
    }

    private static SnapResult? ReadBody(SnapRequest request)
    {
        if (SnapRequestChecks.JsonObjectBody(request, Responses, out var body) is { } notAnObject)
        {
            return notAnObject;
        }

        using (body)
        {
            var root = body!.Root;
            if (!root.TryGetProperty("grantType", out var grantType) || grantType.ValueKind == JsonValueKind.Null)
            {
                return Responses.MissingMandatoryField("grantType");
            }

            if (grantType.ValueKind != JsonValueKind.String || !grantType.ValueEquals(GrantType))
            {
                return Responses.InvalidFieldFormat("grantType", $"The only supported value is \"{GrantType}\".");
            }

            if (root.TryGetProperty("additionalInfo", out var additionalInfo) &&
                additionalInfo.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                return Responses.InvalidFieldFormat("additionalInfo", "It must be a JSON object when present.");
            }
        }

        return null;
    }
}
