using System.Buffers.Text;
using System.Security.Cryptography;
using QoinHub.Simulator.Http;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// Payment Notification Debit (service 56): every honest way QoinHub may sign and send a
/// notification must be accepted; every broken, forged or replayed one refused with its code.
/// </summary>
public static class NotificationChecks
{
    public static readonly SnapExpectation Accepted = new(200, NotificationLedger.AcceptedCode);
    public static readonly SnapExpectation BadRequest = new(400, "4005600");
    public static readonly SnapExpectation InvalidFieldFormat = new(400, "4005601");
    public static readonly SnapExpectation MandatoryFieldMissing = new(400, "4005602");
    public static readonly SnapExpectation Unauthorized = new(401, "4015600");
    public static readonly SnapExpectation InvalidToken = new(401, "4015601");
    public static readonly SnapExpectation UnknownPartner = new(401, "4015600", AlternativeCode: "4015601");
    public static readonly SnapExpectation Conflict = new(409, "4095600");

    /// <summary>Non-ASCII text and a slash, so that the JavaScript, PHP and Python forms of the body all differ.</summary>
    private static readonly KeyValuePair<string, string>[] EscapingSensitiveInfo =
    [
        new("merchantNote", "Kopi Susu Gula Aren / Café Jakarta"),
        new("callbackUrl", "https://merchant.example/orders/ok"),
    ];

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        Check("notify.valid", "A correctly signed notification (compact body, Base64 signature)", Accepted,
            context => context.Notification()),
        .. new[]
        {
            SnapHeaderNames.ContentType, SnapHeaderNames.Authorization, SnapHeaderNames.Timestamp, SnapHeaderNames.Signature,
            SnapHeaderNames.PartnerId, SnapHeaderNames.ExternalId, SnapHeaderNames.ChannelId,
        }.Select(MissingHeader),
        .. NotificationPayload.MandatoryFields.Select(MissingField),
        Check("notify.external-id-not-numeric", "X-EXTERNAL-ID with letters", InvalidFieldFormat,
            context => WithExternalId(context.Notification(), id => "EXT" + id)),
        Check("notify.external-id-too-long", "X-EXTERNAL-ID of 37 digits", InvalidFieldFormat,
            context => WithExternalId(context.Notification(), id => id.PadLeft(37, '9'))),
        Check("notify.malformed-timestamp", "X-TIMESTAMP without zone, signed as sent", InvalidFieldFormat,
            context => context.Notification() with { Timestamp = context.Timestamp()[..19].Replace('T', ' ') }),
        Check("notify.signature-malformed", "X-SIGNATURE neither Base64 nor hex of 64 bytes", InvalidFieldFormat,
            context => context.Notification(), request => request.WithHeader(SnapHeaderNames.Signature, "c2lnbmF0dXJl")),
        Check("notify.authorization-not-bearer", "Authorization 'Basic <token>'", InvalidFieldFormat,
            context => context.Notification(),
            request => request.WithHeader(SnapHeaderNames.Authorization, "Basic " + request.Header(SnapHeaderNames.Authorization)!["Bearer ".Length..])),
        Check("notify.status-out-of-range", "latestTransactionStatus '10'", InvalidFieldFormat,
            context => context.Notification(status: "10")),
        Check("notify.created-time-malformed", "createdTime '23/08/2024 07:44'", InvalidFieldFormat,
            context => WithPayload(context.Notification(), payload => payload with { CreatedTime = "23/08/2024 07:44" })),
        Check("notify.wrong-content-type", "Content-Type text/plain (signed)", BadRequest,
            context => context.Notification() with { ContentType = "text/plain" }),
        Check("notify.not-json", "Body that is not JSON (signed)", BadRequest,
            context => context.Notification() with { RawBody = "latestTransactionStatus=00&originalReferenceNo=T1"u8.ToArray() }),
        new("notify.oversized-body", "Valid JSON one byte over the body limit (signed)", (context, ct) =>
            SendAsync(context, BadRequest, WithPayload(context.Notification(), payload => Padded(payload, context.Settings.MaxBodyBytes)), ct)),
        Check("notify.stale-timestamp", "X-TIMESTAMP far in the past (signed)", Unauthorized,
            context => context.Notification() with { Timestamp = context.Timestamp(-ConformanceSettings.Skew) }),
        Check("notify.future-timestamp", "X-TIMESTAMP far in the future (signed)", Unauthorized,
            context => context.Notification() with { Timestamp = context.Timestamp(ConformanceSettings.Skew) }),
        // Every token belongs to a registered partner, so for an unknown X-PARTNER-ID the token is also
        // "issued to another partner": the contract allows either refusal.
        Check("notify.unknown-partner", "X-PARTNER-ID that is not registered (token of this partner)", UnknownPartner,
            context => context.Notification() with { PartnerId = "unknown-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) }),
        new("notify.wrong-signature", "Signed with a client secret the merchant does not hold", async (context, ct) =>
            context.Judge(Unauthorized, await context.SendNotificationAsync(context.Notification(), ct, clientSecret: RandomSecret()))),
        new("notify.tampered-body", "Signed for status 06 (Failed), sent with status 00 (Success)", async (context, ct) =>
        {
            var failed = context.Notification(status: "06");
            var tampered = failed.Payload with { LatestTransactionStatus = "00", TransactionStatusDesc = "Success" };
            return context.Judge(Unauthorized, await context.SendNotificationAsync(failed, ct, request => request.WithBody(tampered.ToJson())));
        }),
        Check("notify.signed-over-other-path", "Signed over a path the endpoint does not serve", Unauthorized,
            context => context.Notification() with { SignedPath = context.Endpoint.PathOf("/api/v1.0/debit/other") }),
        new("notify.token-unknown", "A well-formed bearer token the endpoint never issued", async (context, ct) =>
            context.Judge(InvalidToken, await context.SendNotificationAsync(context.Notification(), ct, accessToken: RandomSecret()))),
        new("notify.token-of-other-partner", "Token issued to another partner, signed with this partner's secret", async (context, ct) =>
        {
            if (context.OtherPartner is not { } other)
            {
                return CheckResult.Skipped(InvalidToken.ToString(), "needs a second registered partner: pass --other-credentials <dir> (dev-keys writes .dev/dev-qoinhub-2)");
            }

            var token = await context.TokenAsync(other, ct);
            return context.Judge(InvalidToken, await context.SendNotificationAsync(context.Notification(), ct, accessToken: token.AccessToken));
        }),
        new("notify.token-expired", "Token used after its expiresIn has passed", async (context, ct) =>
        {
            var token = await context.EarlyToken;
            if (token.ExpiresIn > ConformanceSettings.ExpiredTokenWaitLimit)
            {
                return CheckResult.Skipped(InvalidToken.ToString(),
                    $"the endpoint issues tokens for {token.ExpiresIn.TotalSeconds:0} s; to run this check, start the app with Snap__TokenLifetime=00:00:05 (at most {ConformanceSettings.ExpiredTokenWaitLimit.TotalSeconds:0} s)");
            }

            var wait = token.ReceivedAt + token.ExpiresIn + TimeSpan.FromSeconds(1) - context.Clock.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, context.Clock, ct);
            }

            return context.Judge(InvalidToken, await context.SendNotificationAsync(context.Notification(), ct, accessToken: token.AccessToken));
        }),
        Check("notify.pretty-printed-body", "Body indented over several lines, signature over its minified form", Accepted,
            context => WithInfo(context.Notification()) with { BodyForm = JsonForm.Pretty }),
        Check("notify.php-escaped-body", "Body sent with PHP escapes (\\/ and \\u00e9), signature over it as sent", Accepted,
            context => WithInfo(context.Notification()) with { BodyForm = JsonForm.Php }),
        Check("notify.php-escaped-signing", "Body sent as is, signature over PHP json_encode of it", Accepted,
            context => WithInfo(context.Notification()) with { SignedForm = JsonForm.Php }),
        Check("notify.python-style-signing", "Body sent as is, signature over Python json.dumps of it", Accepted,
            context => WithInfo(context.Notification()) with { SignedForm = JsonForm.Python }),
        Check("notify.hex-signature", "X-SIGNATURE as lowercase hex", Accepted,
            context => context.Notification() with { SignatureEncoding = SignatureEncoding.Hex }),
        Check("notify.hex-signature-uppercase", "X-SIGNATURE as uppercase hex", Accepted,
            context => context.Notification() with { SignatureEncoding = SignatureEncoding.HexUpper }),
        Check("notify.content-type-with-charset", "Content-Type 'application/json; charset=utf-8'", Accepted,
            context => context.Notification() with { ContentType = "application/json; charset=utf-8" }),
        new("notify.replayed", "The same notification again (same X-EXTERNAL-ID and body, new timestamp and signature)", async (context, ct) =>
        {
            var notification = context.Notification();
            var first = await context.SendNotificationAsync(notification, ct);
            if (!Accepted.IsMetBy(first))
            {
                return CheckResult.Failed(Accepted.ToString(), first.Outcome, "the first delivery was not accepted: " + first.ResponseMessage);
            }

            return context.Judge(Accepted, await context.SendNotificationAsync(notification, ct));
        }),
        new("notify.same-external-id-other-payload", "The same X-EXTERNAL-ID the same day with another body", async (context, ct) =>
        {
            var notification = context.Notification();
            var first = await context.SendNotificationAsync(notification, ct);
            if (!Accepted.IsMetBy(first))
            {
                return CheckResult.Failed(Conflict.ToString(), first.Outcome, "the first delivery was not accepted: " + first.ResponseMessage);
            }

            var changed = WithPayload(notification, payload => payload with { LatestTransactionStatus = "06", TransactionStatusDesc = "Failed" });
            return context.Judge(Conflict, await context.SendNotificationAsync(changed, ct));
        }),
    ];

    private static ConformanceCheck MissingHeader(string header) =>
        Check($"notify.missing-{header.ToLowerInvariant()}", $"Notification without {header}", MandatoryFieldMissing,
            context => context.Notification(), request => request.WithoutHeader(header));

    private static ConformanceCheck MissingField(string field) =>
        Check($"notify.missing-field-{field}", $"Body without {field} (signed)", MandatoryFieldMissing,
            context => WithPayload(context.Notification(), payload => payload with { Omitted = [field] }));

    private static ConformanceCheck Check(
        string name,
        string description,
        SnapExpectation expected,
        Func<ConformanceContext, NotificationSpec> build,
        Func<SnapHttpRequest, SnapHttpRequest>? alter = null) =>
        new(name, description, (context, ct) => SendAsync(context, expected, build(context), ct, alter));

    private static async Task<CheckResult> SendAsync(
        ConformanceContext context,
        SnapExpectation expected,
        NotificationSpec spec,
        CancellationToken cancellationToken,
        Func<SnapHttpRequest, SnapHttpRequest>? alter = null) =>
        context.Judge(expected, await context.SendNotificationAsync(spec, cancellationToken, alter));

    private static NotificationSpec WithPayload(NotificationSpec spec, Func<NotificationPayload, NotificationPayload> change) =>
        spec with { Payload = change(spec.Payload) };

    private static NotificationSpec WithExternalId(NotificationSpec spec, Func<string, string> change) =>
        spec with { ExternalId = change(spec.ExternalId) };

    private static NotificationSpec WithInfo(NotificationSpec spec) => WithPayload(spec, payload => payload with { AdditionalInfo = EscapingSensitiveInfo });

    private static NotificationPayload Padded(NotificationPayload payload, int maxBodyBytes)
    {
        var size = payload.ToJson().Length;
        var padding = new string('x', Math.Max(1, maxBodyBytes + 1 - size - "\"padding\":\"\"".Length));
        return payload with { AdditionalInfo = [new("padding", padding)] };
    }

    /// <summary>43 random Base64url characters: the shape of a real token or secret, known to nobody.</summary>
    private static string RandomSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
}
