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
        var body = spec.RawBody?.ToArray() ?? JsonForms.Render(spec.Payload.ToJson(), spec.BodyForm);

        // A raw body may not be JSON at all, so it is only ever signed minified.
        var signedForm = JsonForms.Render(body, spec.RawBody is null ? spec.SignedForm : JsonForm.Minified);
        var stringToSign = SnapSigner.NotificationStringToSign("POST", spec.SignedPath ?? path, accessToken, signedForm, timestampText);
        var signature = SignatureEncodings.Encode(SnapSigner.NotificationMac(clientSecret, stringToSign), spec.SignatureEncoding);
        var request = new SnapHttpRequest(
            path,
            [
                new(SnapHeaderNames.ContentType, spec.ContentType),
                new(SnapHeaderNames.Authorization, "Bearer " + accessToken),
                new(SnapHeaderNames.Timestamp, timestampText),
                new(SnapHeaderNames.Signature, signature),
                new(SnapHeaderNames.PartnerId, spec.PartnerId ?? partnerId),
                new(SnapHeaderNames.ExternalId, spec.ExternalId),
                new(SnapHeaderNames.ChannelId, spec.ChannelId),
            ],
            body);
        return new SignedNotification(request, signature);
    }
}

/// <summary>A signed notification request and its signature (kept to check it never leaks).</summary>
public sealed record SignedNotification(SnapHttpRequest Request, string Signature);
