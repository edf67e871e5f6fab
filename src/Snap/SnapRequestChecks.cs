namespace QoinHub.Merchant.Snap;

/// <summary>The checks both SNAP services make the same way, each giving the refusal in the caller's service code.</summary>
public static class SnapRequestChecks
{
    /// <summary><c>Content-Type</c> present and <c>application/json</c> (parameters allowed, UTF-8 if a charset is given).</summary>
    public static SnapResult? JsonContentType(SnapRequest request, SnapResponses service)
    {
        var contentType = request.Header(SnapHeaders.ContentType);
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return service.MissingMandatoryField(SnapHeaders.ContentType);
        }

        return ContentTypes.IsJson(contentType) ? null : service.BadRequest("Content-Type must be application/json.");
    }

    /// <summary><c>X-TIMESTAMP</c> present and ISO-8601 with a zone; the text is kept as received for signing.</summary>
    public static SnapResult? Timestamp(SnapRequest request, SnapResponses service, out string text, out DateTimeOffset moment)
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
    public static SnapResult? TimestampWindow(SnapResponses service, string text, DateTimeOffset moment, DateTimeOffset now, TimeSpan tolerance) =>
        SnapTimestamp.IsWithin(moment, now, tolerance)
            ? null
            : service.Unauthorized(
                $"X-TIMESTAMP {text} is outside the allowed window of {tolerance.TotalSeconds:0} seconds around the server time {SnapTimestamp.Format(now)}; sign with the current time.");

    /// <summary>
    /// A mandatory header: present, not empty, at most <paramref name="maxLength"/> characters. Too
    /// long is an Invalid Field Format that says <paramref name="format"/> (or the limit). The value
    /// is never quoted in the refusal, so nothing the caller sent is echoed back.
    /// </summary>
    public static SnapResult? RequiredHeader(SnapRequest request, SnapResponses service, string name, int maxLength, out string value, string? format = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(service);
        value = request.Header(name) ?? string.Empty;
        if (value.Length == 0)
        {
            return service.MissingMandatoryField(name);
        }

        return value.Length > maxLength ? service.InvalidFieldFormat(name, format ?? $"It must be at most {maxLength} characters.") : null;
    }

    /// <summary>The body parsed as one JSON object; the caller disposes it.</summary>
    public static SnapResult? JsonObjectBody(SnapRequest request, SnapResponses service, out SnapJsonBody? body)
    {
        if (!SnapJsonBody.TryParse(request.Body, out body))
        {
            return service.BadRequest("The body is not valid JSON.");
        }

        if (body.Root.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            body.Dispose();
            body = null;
            return service.BadRequest("The body must be a JSON object.");
        }

        return null;
    }
}
