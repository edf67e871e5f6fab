using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// Builds the message that downstream systems receive (docs/messages.md,
/// docs/schemas/payment-notification.v1.schema.json): QoinHub's notification body unchanged, wrapped
/// with who sent it, when we received it and a deterministic message id. Never carries the bearer
/// token or the signature.
/// </summary>
public static class NotificationEnvelope
{
    public const string SchemaVersion = "1.1";

    /// <summary>Changes only with a breaking change of the envelope (together with a 2.0 schema version).</summary>
    public const string Type = "qoinhub.payment-notification.debit";

    public const string ContentType = "application/json";

    /// <summary>
    /// The envelope is a queue message, never embedded in HTML, so characters such as <c>+</c> in
    /// <c>+07:00</c> stay as they are instead of becoming <c>\u002B</c>; quotes, backslashes and
    /// control characters are still escaped.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly JsonEncodedText SchemaVersionProperty = JsonEncodedText.Encode("schemaVersion");
    private static readonly JsonEncodedText TypeProperty = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText MessageIdProperty = JsonEncodedText.Encode("messageId");
    private static readonly JsonEncodedText PartnerIdProperty = JsonEncodedText.Encode("partnerId");
    private static readonly JsonEncodedText ExternalIdProperty = JsonEncodedText.Encode("externalId");
    private static readonly JsonEncodedText ChannelIdProperty = JsonEncodedText.Encode("channelId");
    private static readonly JsonEncodedText TimestampProperty = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText ReceivedAtProperty = JsonEncodedText.Encode("receivedAt");
    private static readonly JsonEncodedText TraceParentProperty = JsonEncodedText.Encode("traceparent");
    private static readonly JsonEncodedText NotificationProperty = JsonEncodedText.Encode("notification");

    /// <summary>
    /// Writes the envelope. <see cref="NotificationEnvelopeInput.Body"/> is embedded byte for byte (a
    /// leading UTF-8 byte order mark, which JSON does not allow inside a document, is left out).
    /// </summary>
    /// <exception cref="ArgumentException">A field is empty, or the body is not one JSON object.</exception>
    public static NotificationMessage Create(NotificationEnvelopeInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(input.PartnerId, nameof(input));
        ArgumentException.ThrowIfNullOrEmpty(input.ExternalId, nameof(input));
        ArgumentException.ThrowIfNullOrEmpty(input.ChannelId, nameof(input));
        ArgumentException.ThrowIfNullOrEmpty(input.Timestamp, nameof(input));
        ArgumentException.ThrowIfNullOrEmpty(input.OriginalPartnerReferenceNo, nameof(input));
        ArgumentException.ThrowIfNullOrEmpty(input.OriginalReferenceNo, nameof(input));
        ArgumentException.ThrowIfNullOrEmpty(input.LatestTransactionStatus, nameof(input));

        var body = WithoutByteOrderMark(input.Body.Span);
        if (!StartsAsObject(body))
        {
            throw new ArgumentException("The notification body must be a JSON object.", nameof(input));
        }

        var messageId = MessageIdFor(input.PartnerId, input.OriginalReferenceNo, input.LatestTransactionStatus);
        var buffer = new ArrayBufferWriter<byte>(body.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString(SchemaVersionProperty, SchemaVersion);
            writer.WriteString(TypeProperty, Type);
            writer.WriteString(MessageIdProperty, messageId);
            writer.WriteString(PartnerIdProperty, input.PartnerId);
            writer.WriteString(ExternalIdProperty, input.ExternalId);
            writer.WriteString(ChannelIdProperty, input.ChannelId);
            writer.WriteString(TimestampProperty, input.Timestamp);
            writer.WriteString(ReceivedAtProperty, FormatReceivedAt(input.ReceivedAt));
            if (MerchantTelemetry.IsTraceParent(input.TraceParent))
            {
                // Before the notification, so that reading it back never has to scan the body.
                writer.WriteString(TraceParentProperty, input.TraceParent);
            }

            writer.WritePropertyName(NotificationProperty);

            // Raw, so consumers see exactly what QoinHub signed; WriteRawValue still checks it is one
            // complete JSON value, so a bad body cannot produce an envelope that is not JSON.
            try
            {
                writer.WriteRawValue(body);
            }
            catch (JsonException e)
            {
                throw new ArgumentException("The notification body is not valid JSON.", nameof(input), e);
            }

            writer.WriteEndObject();
        }

        return new NotificationMessage(
            messageId,
            input.PartnerId,
            input.ExternalId,
            input.ChannelId,
            input.OriginalPartnerReferenceNo,
            input.OriginalReferenceNo,
            input.LatestTransactionStatus,
            buffer.WrittenMemory.ToArray());
    }

    /// <summary>
    /// The broker message id: lowercase hex SHA-256 over the three values, each written as its UTF-8
    /// byte count in decimal, a colon, then its UTF-8 bytes (e.g. <c>8:QoinSnap12:T240800000272:00</c>).
    /// The length prefix keeps values that contain separators from colliding. 64 characters, within
    /// Service Bus's 128.
    /// </summary>
    public static string MessageIdFor(string partnerId, string originalReferenceNo, string latestTransactionStatus)
    {
        ArgumentNullException.ThrowIfNull(partnerId);
        ArgumentNullException.ThrowIfNull(originalReferenceNo);
        ArgumentNullException.ThrowIfNull(latestTransactionStatus);

        var buffer = new ArrayBufferWriter<byte>(128);
        AppendLengthPrefixed(buffer, partnerId);
        AppendLengthPrefixed(buffer, originalReferenceNo);
        AppendLengthPrefixed(buffer, latestTransactionStatus);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    /// <summary>
    /// The envelope's <c>traceparent</c> when it holds a valid W3C one; null otherwise (a 1.0
    /// envelope, an untraced receipt, or anything that is not an envelope). Reads the top-level
    /// fields only, and stops at <c>notification</c>, which is written last.
    /// </summary>
    public static string? ReadTraceParent(ReadOnlySpan<byte> envelope) =>
        ReadHeaderString(envelope, TraceParentProperty) is { } value && MerchantTelemetry.IsTraceParent(value) ? value : null;

    /// <summary>
    /// The <c>schemaVersion</c> an envelope was written with ("1.0" for a record stored before the
    /// <c>traceparent</c> field was added), or null when it has none of the form major.minor. A record
    /// published again later keeps the version its body has.
    /// </summary>
    public static string? ReadSchemaVersion(ReadOnlySpan<byte> envelope) =>
        ReadHeaderString(envelope, SchemaVersionProperty) is { } value && IsMajorMinor(value) ? value : null;

    private static bool IsMajorMinor(string value)
    {
        var dot = value.IndexOf('.', StringComparison.Ordinal);
        return value.Length <= 9 && dot > 0 && dot < value.Length - 1
            && !value.AsSpan(0, dot).ContainsAnyExceptInRange('0', '9')
            && !value.AsSpan(dot + 1).ContainsAnyExceptInRange('0', '9');
    }

    /// <summary>A string field of the envelope's own (before <c>notification</c>), or null.</summary>
    private static string? ReadHeaderString(ReadOnlySpan<byte> envelope, JsonEncodedText property)
    {
        try
        {
            var reader = new Utf8JsonReader(WithoutByteOrderMark(envelope));
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(NotificationProperty.EncodedUtf8Bytes))
                {
                    return null;
                }

                var isWanted = reader.ValueTextEquals(property.EncodedUtf8Bytes);
                if (!reader.Read())
                {
                    return null;
                }

                if (isWanted)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not an envelope.
        }

        return null;
    }

    /// <summary>UTC, millisecond precision, <c>Z</c>: one fixed shape that sorts as text.</summary>
    internal static string FormatReceivedAt(DateTimeOffset receivedAt) =>
        receivedAt.UtcDateTime.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'", CultureInfo.InvariantCulture);

    private static void AppendLengthPrefixed(ArrayBufferWriter<byte> buffer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var prefix = length.ToString(CultureInfo.InvariantCulture) + ":";
        Encoding.ASCII.GetBytes(prefix, buffer);
        Encoding.UTF8.GetBytes(value, buffer);
    }

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> WithoutByteOrderMark(ReadOnlySpan<byte> body) =>
        body.StartsWith(Utf8ByteOrderMark) ? body[Utf8ByteOrderMark.Length..] : body;

    private static bool StartsAsObject(ReadOnlySpan<byte> body)
    {
        foreach (var b in body)
        {
            switch (b)
            {
                case (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n':
                    continue;
                case (byte)'{':
                    return true;
                default:
                    return false;
            }
        }

        return false;
    }
}
