namespace QoinHub.Merchant.Snap;

/// <summary>The checks both SNAP services make the same way, each giving the refusal in the caller's service code.</summary>
internal static class SnapRequestChecks
{
    /// <summary><c>Content-Type</c> present and <c>application/json</c> (parameters allowed, UTF-8 if a charset is given).</summary>
    public static SnapResult? JsonContentType(SnapRequest request, SnapService service)
    {
        var contentType = request.Header(SnapHeaders.ContentType);
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return service.MissingMandatoryField(SnapHeaders.ContentType);
        }

        return ContentTypes.IsJson(contentType) ? null : service.BadRequest("Content-Type must be application/json.");
    }

    /// <summary><c>X-TIMESTAMP</c> present and ISO-8601 with a zone; the text is kept as received for signing.</summary>
    public static SnapResult? Timestamp(SnapRequest request, SnapService service, out string text, out DateTimeOffset moment)
    {
        moment = default;
        text = request.Header(SnapHeaders.Timestamp) ?? string.Empty;
        if (text.Length == 0)
        {
            return service.MissingMandatoryField(SnapHeaders.Timestamp);
        }

        return SnapTimestamp.TryParse(text, out moment)
            ? null
            : service.InvalidFieldFormat(SnapHeaders.Timestamp, "Use ISO-8601 with a zone, e.g. 2025-07-06T14:12:50+07:00.");
    }

    /// <summary>The timestamp lies within the tolerance of the server clock, either way.</summary>
    public static SnapResult? TimestampWindow(SnapService service, string text, DateTimeOffset moment, DateTimeOffset now, TimeSpan tolerance) =>
        SnapTimestamp.IsWithin(moment, now, tolerance)
            ? null
            : service.Unauthorized(
                $"X-TIMESTAMP {text} is outside the allowed window of {tolerance.TotalSeconds:0} seconds around the server time {SnapTimestamp.Format(now)}; sign with the current time.");

    public static SnapResult? BodySize(SnapRequest request, SnapService service, int maxBodyBytes) =>
        request.Body.Length > maxBodyBytes ? service.BadRequest($"The body is larger than {maxBodyBytes} bytes.") : null;
}
