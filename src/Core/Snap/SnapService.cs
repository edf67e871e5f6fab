namespace QoinHub.Merchant.Snap;

/// <summary>
/// A SNAP service (the two-digit code inside every response code) and the answers it gives.
/// <c>responseCode</c> = HTTP status (3 digits) + service code (2) + case (2).
/// </summary>
public sealed class SnapService
{
    private SnapService(string code) => Code = code;

    /// <summary>Access Token B2B.</summary>
    public static SnapService AccessToken { get; } = new("73");

    /// <summary>Payment Notification Debit.</summary>
    public static SnapService DebitNotify { get; } = new("56");

    public string Code { get; }

    public SnapResult Success(ReadOnlyMemory<byte> body, IReadOnlyList<KeyValuePair<string, string>>? headers = null) =>
        new(200, $"200{Code}00", "Successful", body, headers ?? []);

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

    /// <summary>A dependency of ours failed: QoinHub should retry.</summary>
    public SnapResult GeneralError() => Error(500, "00", "General Error");

    /// <summary>An error answer with a SNAP body; <paramref name="caseCode"/> is the last two digits.</summary>
    public SnapResult Error(int httpStatus, string caseCode, string message)
    {
        var code = $"{httpStatus}{Code}{caseCode}";
        return new SnapResult(httpStatus, code, message, SnapJson.ResponseBody(code, message), []);
    }
}
