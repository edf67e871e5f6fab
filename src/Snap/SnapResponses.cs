using System.Text.Json;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// Builds the answers of one SNAP service: every response code is HTTP status (3 digits) +
/// service code (2) + case (2), and every body is <c>{"responseCode","responseMessage",…}</c>.
/// </summary>
public sealed class SnapResponses
{
    private SnapResponses(string code, string name)
    {
        Code = code;
        Name = name;
    }

    /// <summary>Access Token B2B (service 73).</summary>
    public static SnapResponses AccessToken { get; } = new("73", "Access Token B2B");

    /// <summary>Payment Notification Debit (service 56).</summary>
    public static SnapResponses DebitNotify { get; } = new("56", "Payment Notification Debit");

    /// <summary>The two-digit service code.</summary>
    public string Code { get; }

    /// <summary>The service's name in SNAP, for logs and telemetry.</summary>
    public string Name { get; }

    /// <summary>The success answer; <paramref name="extra"/> writes fields after the code and message.</summary>
    public SnapResult Success(IReadOnlyList<KeyValuePair<string, string>> headers, Action<Utf8JsonWriter>? extra = null)
    {
        var code = $"200{Code}00";
        return new SnapResult(200, code, "Successful", SnapJson.ResponseBody(code, "Successful", extra), headers);
    }

    /// <summary>Not JSON, wrong content type, body too large.</summary>
    public SnapResult BadRequest(string reason) => Error(400, "00", $"Bad Request. {reason}");

    /// <summary>A field (header or body) is present but malformed.</summary>
    public SnapResult InvalidFieldFormat(string field, string reason) => Error(400, "01", $"Invalid Field Format {field}. {reason}");

    /// <summary>A mandatory field (header or body) is missing or empty.</summary>
    public SnapResult MissingMandatoryField(string field) => Error(400, "02", $"Invalid Mandatory Field {field}");

    /// <summary>Unknown client or partner, timestamp outside the window, and (for service 56) a bad signature.</summary>
    public SnapResult Unauthorized(string reason) => Error(401, "00", $"Unauthorized. {reason}");

    /// <summary>Bearer token unknown, expired, or issued to another partner.</summary>
    public SnapResult InvalidToken(string reason) => Error(401, "01", $"Invalid Token (B2B). {reason}");

    /// <summary>The same X-EXTERNAL-ID was used the same day for a different payload.</summary>
    public SnapResult Conflict(string reason) => Error(409, "00", $"Conflict. {reason}");

    /// <summary>The caller sent more than its limit allows; <paramref name="retryAfterSeconds"/> goes into <c>Retry-After</c>.</summary>
    public SnapResult TooManyRequests(string reason, int retryAfterSeconds) =>
        Error(429, "00", $"Too Many Requests. {reason}") with
        {
            Headers = [new("Retry-After", retryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))],
        };

    /// <summary>A dependency of ours failed: QoinHub should retry.</summary>
    public SnapResult GeneralError() => Error(500, "00", "General Error");

    /// <summary>An error answer with a SNAP body; <paramref name="caseCode"/> is the last two digits.</summary>
    public SnapResult Error(int httpStatus, string caseCode, string message)
    {
        var code = $"{httpStatus}{Code}{caseCode}";
        return new SnapResult(httpStatus, code, message, SnapJson.ResponseBody(code, message), []);
    }
}
