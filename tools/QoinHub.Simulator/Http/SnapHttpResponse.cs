using System.Text.Json;

namespace QoinHub.Simulator.Http;

/// <summary>
/// What came back: the HTTP status (0 when nothing came back, with the reason in
/// <see cref="TransportError"/>), the body text and its top-level string fields.
/// </summary>
public sealed class SnapHttpResponse
{
    private readonly Dictionary<string, string> _fields;

    private SnapHttpResponse(int status, string body, TimeSpan elapsed, string? transportError)
    {
        Status = status;
        Body = body;
        Elapsed = elapsed;
        TransportError = transportError;
        _fields = ReadStringFields(body);
    }

    public int Status { get; }

    public string Body { get; }

    public TimeSpan Elapsed { get; }

    public string? TransportError { get; }

    public string? ResponseCode => Field("responseCode");

    public string? ResponseMessage => Field("responseMessage");

    /// <summary>"200 2005600", or "no answer" when the request failed in transport.</summary>
    public string Outcome => TransportError is null ? $"{Status} {ResponseCode ?? "(no responseCode)"}" : "no answer";

    public static SnapHttpResponse Received(int status, string body, TimeSpan elapsed) => new(status, body, elapsed, null);

    public static SnapHttpResponse Failed(string reason, TimeSpan elapsed) => new(0, string.Empty, elapsed, reason);

    public bool Is(int status, string responseCode) =>
        TransportError is null && Status == status && string.Equals(ResponseCode, responseCode, StringComparison.Ordinal);

    /// <summary>A top-level string field of the JSON body; null when absent or not a string.</summary>
    public string? Field(string name) => _fields.TryGetValue(name, out var value) ? value : null;

    private static Dictionary<string, string> ReadStringFields(string body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(body))
        {
            return fields;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String)
                    {
                        fields[property.Name] = property.Value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the checks report the body as it came.
        }

        return fields;
    }
}
