using System.Diagnostics;
using System.Text;
using OpenTelemetry;

namespace QoinHub.Merchant.Functions.Telemetry;

/// <summary>
/// The last word on what leaves the process in a span, whatever an instrumentation library was
/// configured (or an environment variable told it) to record: every query value is replaced by
/// <c>Redacted</c> (a shared access signature travels in a query string), header and user-agent
/// attributes are dropped, and an error description is cut to its first line (the Azure SDK puts
/// the whole exception there, response body included). Runs first, before any exporter sees the span.
/// </summary>
public sealed class TelemetryRedaction : BaseProcessor<Activity>
{
    public const string Redacted = "Redacted";

    private const int MaxStatusDescriptionLength = 200;

    private static readonly string[] UrlAttributes = ["url.query", "url.full", "http.url", "http.target", "az.sas.url"];

    private static readonly string[] DroppedPrefixes = ["http.request.header.", "http.response.header.", "user_agent."];

    public override void OnEnd(Activity data)
    {
        ArgumentNullException.ThrowIfNull(data);
        List<string>? dropped = null;
        List<KeyValuePair<string, string>>? redacted = null;
        foreach (var (key, value) in data.TagObjects)
        {
            if (DroppedPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                (dropped ??= []).Add(key);
            }
            else if (UrlAttributes.Contains(key) && value is string text && RedactQuery(text) is { } safe && !string.Equals(safe, text, StringComparison.Ordinal))
            {
                (redacted ??= []).Add(new(key, safe));
            }
        }

        foreach (var key in dropped ?? [])
        {
            data.SetTag(key, null);
        }

        foreach (var (key, value) in redacted ?? [])
        {
            data.SetTag(key, value);
        }

        if (data.Status == ActivityStatusCode.Error && data.StatusDescription is { } description)
        {
            var firstLine = description.AsSpan();
            var end = firstLine.IndexOfAny('\r', '\n');
            firstLine = end < 0 ? firstLine : firstLine[..end];
            firstLine = firstLine.Length <= MaxStatusDescriptionLength ? firstLine : firstLine[..MaxStatusDescriptionLength];
            var safe = RedactQuery(firstLine.ToString());
            if (!string.Equals(safe, description, StringComparison.Ordinal))
            {
                data.SetStatus(ActivityStatusCode.Error, safe);
            }
        }
    }

    /// <summary>
    /// <paramref name="value"/> with every query value replaced by <see cref="Redacted"/> (a part with no
    /// <c>=</c> is replaced whole); the fragment is dropped. A value without <c>?</c> is taken as a
    /// query when it has <c>=</c> (the <c>url.query</c> attribute has no leading <c>?</c>).
    /// </summary>
    public static string RedactQuery(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var question = value.IndexOf('?', StringComparison.Ordinal);
        string prefix, query;
        if (question >= 0)
        {
            prefix = value[..(question + 1)];
            query = value[(question + 1)..];
        }
        else if (value.Contains('=', StringComparison.Ordinal) && !value.Contains("://", StringComparison.Ordinal))
        {
            prefix = string.Empty;
            query = value;
        }
        else
        {
            return value;
        }

        var hash = query.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0)
        {
            query = query[..hash];
        }

        var result = new StringBuilder(prefix, value.Length + 16);
        var first = true;
        foreach (var part in query.Split('&'))
        {
            if (part.Length == 0)
            {
                continue;
            }

            if (!first)
            {
                result.Append('&');
            }

            first = false;
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            result.Append(equals < 0 ? Redacted : part[..(equals + 1)] + Redacted);
        }

        return result.ToString();
    }
}
