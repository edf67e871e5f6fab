using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using QoinHub.Simulator.Http;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Conformance;

/// <summary>Access Token B2B (service 73): one correct request and each way a request can be wrong.</summary>
public static class TokenChecks
{
    public static readonly SnapExpectation Issued = new(200, AccessTokenClient.SuccessCode);
    public static readonly SnapExpectation BadRequest = new(400, "4007300");
    public static readonly SnapExpectation InvalidFieldFormat = new(400, "4007301");
    public static readonly SnapExpectation MissingFieldOrInvalidSignature = new(400, "4007302");
    public static readonly SnapExpectation Unauthorized = new(401, "4017300");

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        new("token.valid", "A correctly signed request gets a Bearer token with expiresIn in seconds", async (context, ct) =>
        {
            var response = await context.SendTokenRequestAsync(context.TokenRequest(), ct);
            return context.Judge(Issued, response, IssuedTokenProblems(response), response.Field("accessToken"));
        }),
        Missing(SnapHeaderNames.ContentType),
        Missing(SnapHeaderNames.Timestamp),
        Missing(SnapHeaderNames.ClientKey),
        Missing(SnapHeaderNames.Signature),
        Check("token.wrong-content-type", "Content-Type text/plain", BadRequest,
            context => context.TokenRequest().WithHeader(SnapHeaderNames.ContentType, "text/plain")),
        Check("token.malformed-timestamp", "X-TIMESTAMP without zone ('yyyy-MM-dd HH:mm:ss'), signed as sent", InvalidFieldFormat,
            context => context.TokenRequest(timestamp: SnapTime.FormatJakarta(context.Clock.GetUtcNow(), "yyyy-MM-dd HH:mm:ss"))),
        Check("token.signature-not-base64", "X-SIGNATURE that is not Base64", InvalidFieldFormat,
            context => context.TokenRequest().WithHeader(SnapHeaderNames.Signature, "not*a*base64*signature")),
        new("token.wrong-signature", "Signed with a key the merchant never registered", async (context, ct) =>
        {
            using var stranger = RSA.Create(2048);
            var response = await context.SendTokenRequestAsync(context.TokenRequest(key: stranger), ct);
            return context.Judge(MissingFieldOrInvalidSignature, response, issuedToken: response.Field("accessToken"));
        }),
        Check("token.unknown-client", "X-CLIENT-KEY that is not registered (correctly signed)", Unauthorized,
            context => context.TokenRequest(clientId: "unknown-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)))),
        Check("token.stale-timestamp", "X-TIMESTAMP far in the past (signed)", Unauthorized,
            context => context.TokenRequest(timestamp: context.Timestamp(-ConformanceSettings.Skew))),
        Check("token.future-timestamp", "X-TIMESTAMP far in the future (signed)", Unauthorized,
            context => context.TokenRequest(timestamp: context.Timestamp(ConformanceSettings.Skew))),
        Check("token.grant-type-missing", "Body without grantType", MissingFieldOrInvalidSignature,
            context => context.TokenRequest(body: "{\"additionalInfo\":{}}"u8.ToArray())),
        Check("token.grant-type-wrong", "grantType 'password'", InvalidFieldFormat,
            context => context.TokenRequest(body: "{\"grantType\":\"password\",\"additionalInfo\":{}}"u8.ToArray())),
        Check("token.not-json", "Body that is not JSON (Content-Type application/json)", BadRequest,
            context => context.TokenRequest(body: "grantType=client_credentials"u8.ToArray())),
        Check("token.oversized-body", "Valid JSON one byte over the body limit", BadRequest,
            context => context.TokenRequest(body: OversizedBody(context.Settings.MaxBodyBytes))),
    ];

    private static ConformanceCheck Missing(string header) =>
        Check($"token.missing-{header.ToLowerInvariant()}", $"Request without {header}", MissingFieldOrInvalidSignature,
            context => context.TokenRequest().WithoutHeader(header));

    private static ConformanceCheck Check(string name, string description, SnapExpectation expected, Func<ConformanceContext, SnapHttpRequest> build) =>
        new(name, description, async (context, ct) =>
        {
            var response = await context.SendTokenRequestAsync(build(context), ct);
            return context.Judge(expected, response, issuedToken: response.Field("accessToken"));
        });

    private static IEnumerable<string?> IssuedTokenProblems(SnapHttpResponse response)
    {
        if (!Issued.IsMetBy(response))
        {
            yield break;
        }

        if (string.IsNullOrEmpty(response.Field("accessToken")))
        {
            yield return "no accessToken in the answer";
        }

        if (!string.Equals(response.Field("tokenType"), "Bearer", StringComparison.Ordinal))
        {
            yield return $"tokenType is '{response.Field("tokenType")}', not 'Bearer'";
        }

        if (!long.TryParse(response.Field("expiresIn"), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
        {
            yield return $"expiresIn '{response.Field("expiresIn")}' is not a string of seconds";
        }
    }

    /// <summary>A valid token request padded to <paramref name="maxBodyBytes"/> + 1 bytes.</summary>
    private static byte[] OversizedBody(int maxBodyBytes)
    {
        const string Head = "{\"grantType\":\"client_credentials\",\"additionalInfo\":{\"padding\":\"";
        const string Tail = "\"}}";
        var padding = Math.Max(0, maxBodyBytes + 1 - Head.Length - Tail.Length);
        return Encoding.UTF8.GetBytes(Head + new string('x', padding) + Tail);
    }
}
