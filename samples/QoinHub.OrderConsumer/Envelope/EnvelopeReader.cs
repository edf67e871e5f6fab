using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace QoinHub.OrderConsumer.Envelope;

/// <summary>
/// Reads and checks an envelope against the rules of docs/schemas/payment-notification.v1.schema.json
/// (required fields, types, patterns), without a schema library: everything the schema accepts is
/// read, unknown fields are ignored (1.x only ever adds optional ones), and a body the schema refuses
/// is refused with a <see cref="Refusal"/> that says what is wrong. A major version other than 1
/// and any <c>type</c> other than <see cref="PaymentNotificationEnvelope.DebitType"/> are refused as
/// such, before the rest is looked at: a 2.x envelope is a different contract.
/// </summary>
/// <remarks>
/// Refusal descriptions name fields and, for <c>schemaVersion</c> and <c>type</c>, a shortened value;
/// never the body, never a value of the notification.
/// </remarks>
public static partial class EnvelopeReader
{
    /// <summary>Problems listed in one refusal at most.</summary>
    private const int MaxProblems = 5;

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        // A key written twice is ambiguous (which one did the publisher mean?): not an envelope.
        AllowDuplicateProperties = false,
        MaxDepth = 64,
    };

    public static EnvelopeReadResult Read(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            // The exception's message can quote the body; only its position is passed on.
            return Refuse(DeadLetterReasons.InvalidJson,
                $"The body is not valid JSON (line {e.LineNumber ?? 0}, byte {e.BytePositionInLine ?? 0} of that line).");
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    private static EnvelopeReadResult Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Refuse(DeadLetterReasons.SchemaViolation, $"The body is a JSON {Kind(root)}, not an object.");
        }

        // The contract first: a major version or a type this consumer does not know is not looked into.
        if (root.TryGetProperty("schemaVersion", out var version) && version.ValueKind == JsonValueKind.String
            && VersionPattern().Match(version.GetString()!) is { Success: true } versionMatch
            && versionMatch.Groups["major"].Value != "1")
        {
            return Refuse(DeadLetterReasons.UnsupportedSchemaVersion,
                $"schemaVersion {Shown(version.GetString()!)} is not 1.x: this consumer reads envelope version 1 only.");
        }

        if (root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && type.GetString() != PaymentNotificationEnvelope.DebitType)
        {
            return Refuse(DeadLetterReasons.UnsupportedType,
                $"type {Shown(type.GetString()!)} is not {PaymentNotificationEnvelope.DebitType}.");
        }

        var problems = new List<string>();
        var schemaVersion = RequiredString(root, "schemaVersion", problems, SchemaVersionPattern(), "1.<minor> as a string");
        var typeValue = RequiredString(root, "type", problems);
        var messageId = RequiredString(root, "messageId", problems, MessageIdPattern(), "64 lowercase hex characters");
        var partnerId = RequiredString(root, "partnerId", problems, NonEmpty(), "not empty");
        var externalId = RequiredString(root, "externalId", problems, NonEmpty(), "not empty");
        var channelId = RequiredString(root, "channelId", problems, NonEmpty(), "not empty");
        var timestamp = RequiredString(root, "timestamp", problems, NonEmpty(), "not empty");
        // Only the pattern, as the schema: its "format": "date-time" is an annotation in draft 2020-12, not
        // a check, so a schema-valid envelope may carry a time that does not exist. receivedAt is a hint.
        var receivedAt = RequiredString(root, "receivedAt", problems, ReceivedAtPattern(), "UTC with milliseconds, yyyy-MM-ddTHH:mm:ss.fffZ");
        var traceParent = OptionalString(root, "traceparent", problems, TraceParentPattern(), "a W3C traceparent, 00-<32 hex>-<16 hex>-<2 hex>");

        PaymentNotification? notification = null;
        if (!root.TryGetProperty("notification", out var body))
        {
            problems.Add("notification is missing");
        }
        else if (body.ValueKind != JsonValueKind.Object)
        {
            problems.Add($"notification is a JSON {Kind(body)}, not an object");
        }
        else
        {
            var createdTime = RequiredString(body, "createdTime", problems, prefix: "notification.");
            var status = RequiredString(body, "latestTransactionStatus", problems, StatusPattern(), "two digits, 00 to 09", "notification.");
            var partnerReference = RequiredString(body, "originalPartnerReferenceNo", problems, NonEmpty(), "not empty", "notification.");
            var reference = RequiredString(body, "originalReferenceNo", problems, NonEmpty(), "not empty", "notification.");
            var statusText = RequiredString(body, "transactionStatusDesc", problems, prefix: "notification.");
            if (body.TryGetProperty("additionalInfo", out var additionalInfo) && additionalInfo.ValueKind != JsonValueKind.Object)
            {
                problems.Add($"notification.additionalInfo is a JSON {Kind(additionalInfo)}, not an object");
            }

            if (createdTime is not null && status is not null && partnerReference is not null && reference is not null && statusText is not null)
            {
                notification = new PaymentNotification(createdTime, status, partnerReference, reference, statusText);
            }
        }

        if (problems.Count > 0)
        {
            var shown = string.Join("; ", problems.Take(MaxProblems));
            var more = problems.Count > MaxProblems ? $"; and {problems.Count - MaxProblems} more" : string.Empty;
            return Refuse(DeadLetterReasons.SchemaViolation, $"The envelope does not match payment-notification.v1.schema.json: {shown}{more}.");
        }

        return new EnvelopeReadResult(
            new PaymentNotificationEnvelope(
                schemaVersion!, typeValue!, messageId!, partnerId!, externalId!, channelId!, timestamp!, receivedAt!, traceParent, notification!),
            null);
    }

    private static string? RequiredString(JsonElement parent, string name, List<string> problems, Regex? pattern = null, string? expected = null, string prefix = "")
    {
        if (!parent.TryGetProperty(name, out var value))
        {
            problems.Add($"{prefix}{name} is missing");
            return null;
        }

        return StringOf(value, prefix + name, problems, pattern, expected);
    }

    private static string? OptionalString(JsonElement parent, string name, List<string> problems, Regex pattern, string expected) =>
        parent.TryGetProperty(name, out var value) ? StringOf(value, name, problems, pattern, expected) : null;

    private static string? StringOf(JsonElement value, string path, List<string> problems, Regex? pattern, string? expected)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{path} is a JSON {Kind(value)}, not a string");
            return null;
        }

        var text = value.GetString()!;
        if (pattern is not null && !pattern.IsMatch(text))
        {
            problems.Add($"{path} is not {expected}");
            return null;
        }

        return text;
    }

    private static EnvelopeReadResult Refuse(string reason, string description) => new(null, new Refusal(reason, description));

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>A routing value quoted for a description: printable ASCII only, at most 40 characters.</summary>
    internal static string Shown(string value)
    {
        var builder = new StringBuilder("'");
        foreach (var c in value.Take(40))
        {
            builder.Append(c is >= ' ' and <= '~' ? c : '?');
        }

        return builder.Append(value.Length > 40 ? "…'" : "'").ToString();
    }

    // \z, not $: in .NET $ also matches before a final newline.
    [GeneratedRegex(@"^(?<major>[0-9]+)\.[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^1\.[0-9]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaVersionPattern();

    [GeneratedRegex(@"^[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex MessageIdPattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z\z", RegexOptions.CultureInvariant)]
    private static partial Regex ReceivedAtPattern();

    [GeneratedRegex(@"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}\z", RegexOptions.CultureInvariant)]
    private static partial Regex TraceParentPattern();

    [GeneratedRegex(@"^0[0-9]\z", RegexOptions.CultureInvariant)]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"^[\s\S]", RegexOptions.CultureInvariant)]
    private static partial Regex NonEmpty();
}

/// <summary>Either the envelope or why it was refused.</summary>
public sealed record EnvelopeReadResult(PaymentNotificationEnvelope? Envelope, Refusal? Refusal);

/// <summary>Why a message can never be processed: becomes its DeadLetterReason and DeadLetterErrorDescription.</summary>
public sealed record Refusal(string Reason, string Description);

/// <summary>The DeadLetterReason values this consumer writes (Service Bus itself writes <c>MaxDeliveryCountExceeded</c>).</summary>
public static class DeadLetterReasons
{
    /// <summary>The body is not JSON (or has a key twice).</summary>
    public const string InvalidJson = "InvalidJson";

    /// <summary>JSON, but not what payment-notification.v1.schema.json describes.</summary>
    public const string SchemaViolation = "SchemaViolation";

    /// <summary>A <c>schemaVersion</c> whose major version is not 1.</summary>
    public const string UnsupportedSchemaVersion = "UnsupportedSchemaVersion";

    /// <summary>A <c>type</c> other than <c>qoinhub.payment-notification.debit</c>.</summary>
    public const string UnsupportedType = "UnsupportedType";

    /// <summary>The body's <c>messageId</c> is not the broker MessageId, or not the hash of the fields it is made of.</summary>
    public const string MessageIdMismatch = "MessageIdMismatch";
}
