using QoinHub.Merchant.Snap;
using QoinHub.Simulator.Http;

namespace QoinHub.Simulator.Protocol;

/// <summary>Payment Notification Debit requests, signed with the client secret and the bearer token.</summary>
public static class NotificationRequests
{
    public static SignedNotification Sign(SnapEndpoint endpoint, NotificationSpec spec, string partnerId, string clientSecret, string accessToken, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(spec);
        var path = endpoint.NotifyPath;
        var timestampText = spec.Timestamp ?? timestamp;
        var body = spec.RawBody?.ToArray() ?? BodyStyles.Render(spec.Payload.ToJson(), spec.BodyStyle);
        var signedForm = spec.RawBody is null ? SignedBodyForms.Of(body, spec.SignOver) : JsonMinifier.Minify(body);
        var stringToSign = SymmetricSignature.StringToSign(
            "POST", spec.SignedPath ?? path, accessToken, SymmetricSignature.BodyHash(signedForm), timestampText);
        var signature = SignatureEncodings.Encode(SymmetricSignature.Compute(clientSecret, stringToSign), spec.SignatureEncoding);
        var request = new SnapHttpRequest(
            path,
            [
                new(SnapHeaders.ContentType, spec.ContentType),
                new(SnapHeaders.Authorization, "Bearer " + accessToken),
                new(SnapHeaders.Timestamp, timestampText),
                new(SnapHeaders.Signature, signature),
                new(SnapHeaders.PartnerId, spec.PartnerId ?? partnerId),
                new(SnapHeaders.ExternalId, spec.ExternalId),
                new(SnapHeaders.ChannelId, spec.ChannelId),
            ],
            body);
        return new SignedNotification(request, signature);
    }
}

/// <summary>A signed notification request and its signature (kept to check it never leaks).</summary>
public sealed record SignedNotification(SnapHttpRequest Request, string Signature);
