namespace QoinHub.Merchant.Snap;

/// <summary>The checks both SNAP services make the same way, each giving the refusal in the caller's service code.</summary>
public static class SnapRequestChecks
{
    /// <summary><c>Content-Type</c> present, once, and <c>application/json</c> (parameters allowed, UTF-8 if a charset is given).</summary>
    public static SnapResult? JsonContentType(SnapRequest request, SnapResponses service)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(service);
        if (string.IsNullOrWhiteSpace(request.Header(SnapHeaders.ContentType)))
        {
            return service.MissingMandatoryField(SnapHeaders.ContentType);
        }

        if (RequiredHeader(request, service, HeaderRule.ContentType, out var contentType) is { } refusal)
        {
            return refusal;
        }

        return ContentTypes.IsJson(contentType) ? null : service.BadRequest("Content-Type must be application/json.");
    }

    /// <summary><c>X-TIMESTAMP</c> present, once, and ISO-8601 with a zone; the text is kept as received for signing.</summary>
    public static SnapResult? Timestamp(SnapRequest request, SnapResponses service, out string text, out DateTimeOffset moment)
    {
        moment = default;
        if (RequiredHeader(request, service, HeaderRule.TimestampHeader, out text) is { } refusal)
        {
            return refusal;
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
    /// A mandatory header: present, sent once, and within its <paramref name="rule"/> (alphabet and
    /// length). A refused value is never quoted in the refusal and never returned, so nothing that
    /// failed validation is echoed, stored or logged.
    /// </summary>
    public static SnapResult? RequiredHeader(SnapRequest request, SnapResponses service, HeaderRule rule, out string value)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(rule);
        value = string.Empty;
        var received = request.Header(rule.Name) ?? string.Empty;
        if (received.Length == 0)
        {
            return service.MissingMandatoryField(rule.Name);
        }

        // Sent twice as two lines, or joined into one line with a comma as HTTP allows a sender or
        // a proxy to do (RFC 9110, 5.3; the Functions host forwards it so): no SNAP header holds a comma.
        if (request.IsRepeated(rule.Name) || received.Contains(',', StringComparison.Ordinal))
        {
            return service.InvalidFieldFormat(rule.Name, "It must be sent once.");
        }

        if (!rule.Accepts(received))
        {
            return service.InvalidFieldFormat(rule.Name, $"It must be {rule.Description}.");
        }

        value = received;
        return null;
    }

    /// <summary>The body parsed as one JSON object, each of its objects with unique keys; the caller disposes it.</summary>
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

        if (body.FindDuplicateKey() is { } duplicate)
        {
            body.Dispose();
            body = null;
            return NamesSafely(duplicate)
                ? service.InvalidFieldFormat(duplicate, "The key is sent more than once in its object; send each key once.")
                : service.InvalidFieldFormat("body", "A key is sent more than once in one of its objects; send each key once.");
        }

        return null;
    }

    /// <summary>
    /// Whether a key path may be quoted in a refusal: printable ASCII, a name at its end, short. Any
    /// other key (empty, long, control characters) is described instead, never echoed.
    /// </summary>
    private static bool NamesSafely(string path) =>
        path.Length is > 0 and <= 100 && !path.EndsWith('.') && !path.AsSpan().ContainsAnyExceptInRange(' ', '~');
}
