using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.OperatorTool.Operations;

namespace QoinHub.OperatorTool.Output;

/// <summary>
/// Notifications as text for people and as JSON for scripts. Prints what the ledger holds: the
/// record's fields and the stored envelope, which carries no token, signature or key.
/// </summary>
public static class NotificationPrinter
{
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void WriteList(TextWriter writer, IReadOnlyList<FoundNotification> notifications)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(notifications);
        var table = new TextTable("received (Asia/Jakarta)", "partner", "external id", "state", "attempts", "first received", "published at", "message id");
        foreach (var found in notifications)
        {
            var row = found.ExternalIdRow!;
            var record = found.Record;
            table.Add(
                Times.Format(row.ReceivedAt),
                row.PartnerId,
                row.ExternalId,
                found.State,
                record?.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-",
                Times.Format(record?.FirstReceivedAt),
                Times.Format(record?.PublishedAt),
                found.MessageId);
        }

        table.WriteTo(writer);
    }

    public static void WriteListJson(TextWriter writer, IReadOnlyList<FoundNotification> notifications)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(notifications);
        WriteJson(writer, json =>
        {
            json.WriteStartArray();
            foreach (var found in notifications)
            {
                json.WriteStartObject();
                WriteExternalIdRow(json, found.ExternalIdRow!);
                json.WriteString("messageId", found.MessageId);
                json.WriteString("state", found.State);
                if (found.Record is { } record)
                {
                    json.WriteNumber("attempts", record.Attempts);
                    WriteMoment(json, "firstReceivedAt", record.FirstReceivedAt);
                    WriteMoment(json, "publishedAt", record.PublishedAt);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    public static void WriteDetails(TextWriter writer, FoundNotification found, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(found);
        var lines = new List<KeyValuePair<string, string>>
        {
            new("message id", found.MessageId),
            new("state", found.State),
        };
        if (found.ExternalIdRow is { } row)
        {
            lines.Add(new("found by", $"X-EXTERNAL-ID {row.ExternalId} of partner {row.PartnerId} on {Times.Day(row.JakartaDay)}, received {Times.Format(row.ReceivedAt)}"));
        }

        if (found.Record is not { } record)
        {
            WritePairs(writer, lines);
            writer.WriteLine();
            writer.WriteLine("No outbox record for this message id: the notification was not stored (QoinHub was answered 5xx and should send it again) or retention deleted it.");
            return;
        }

        var message = record.Message;
        var externalId = found.ExternalIdRow is { } replay && replay.ExternalId != message.ExternalId
            ? $"{message.ExternalId} (the first receipt; {replay.ExternalId} was a replay of the same payment fact)"
            : message.ExternalId;
        lines.AddRange(
        [
            new("partner", message.PartnerId),
            new("external id", externalId),
            new("channel id", message.ChannelId),
            new("reference", $"originalReferenceNo {message.OriginalReferenceNo}, originalPartnerReferenceNo {message.OriginalPartnerReferenceNo}"),
            new("status", message.LatestTransactionStatus),
            new("day", $"{Times.Day(record.JakartaDay)} (Asia/Jakarta, of X-TIMESTAMP)"),
            new("first received", Times.Format(record.FirstReceivedAt)),
            new("published at", record.PublishedAt is null ? "- (not published)" : PublishTimes(record)),
            new("attempts", $"{record.Attempts} (claims: the first publish, retries, relay runs, republishes)"),
            new("lease", Lease(record, now)),
            new("integrity", Integrity(record)),
        ]);
        WritePairs(writer, lines);
        writer.WriteLine();
        writer.WriteLine(record.IntegrityProblem is null
            ? "notification (the stored envelope, pretty-printed; the queue gets it as stored):"
            : "notification (the stored envelope as the table holds it now; it fails its integrity check and is never published):");
        writer.WriteLine(Pretty(message.Envelope));
    }

    public static void WriteDetailsJson(TextWriter writer, IReadOnlyList<FoundNotification> notifications, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(notifications);
        WriteJson(writer, json =>
        {
            json.WriteStartArray();
            foreach (var found in notifications)
            {
                json.WriteStartObject();
                json.WriteString("messageId", found.MessageId);
                json.WriteString("state", found.State);
                if (found.ExternalIdRow is { } row)
                {
                    json.WriteStartObject("foundBy");
                    WriteExternalIdRow(json, row);
                    json.WriteEndObject();
                }

                if (found.Record is { } record)
                {
                    var message = record.Message;
                    json.WriteString("partnerId", message.PartnerId);
                    json.WriteString("externalId", message.ExternalId);
                    json.WriteString("channelId", message.ChannelId);
                    json.WriteString("originalReferenceNo", message.OriginalReferenceNo);
                    json.WriteString("originalPartnerReferenceNo", message.OriginalPartnerReferenceNo);
                    json.WriteString("latestTransactionStatus", message.LatestTransactionStatus);
                    json.WriteString("jakartaDay", Times.Day(record.JakartaDay));
                    WriteMoment(json, "firstReceivedAt", record.FirstReceivedAt);
                    WriteMoment(json, "publishedAt", record.PublishedAt);
                    WriteMoment(json, "lastPublishedAt", record.LastPublishedAt);
                    json.WriteNumber("publishes", record.Publishes);
                    json.WriteNumber("attempts", record.Attempts);
                    WriteMoment(json, "leaseUntil", record.LeaseUntil);
                    json.WriteBoolean("leaseHeld", record.LeaseUntil is { } until && until > now);
                    json.WriteBoolean("integrityVerified", record.IntegrityProblem is null);
                    if (record.IntegrityProblem is { } problem)
                    {
                        json.WriteString("integrityProblem", problem);
                    }

                    json.WritePropertyName("notification");
                    using var envelope = JsonDocument.Parse(message.Envelope);
                    envelope.WriteTo(json);
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
        });
    }

    /// <summary>The first publish time, and the last and the count when published more than once.</summary>
    public static string PublishTimes(LedgerEntry record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.Publishes > 1
            ? $"{Times.Format(record.PublishedAt)} (first of {record.Publishes} publishes; last {Times.Format(record.LastPublishedAt)})"
            : Times.Format(record.PublishedAt);
    }

    /// <summary>Whether the record's MAC holds: a record that fails is never published.</summary>
    public static string Integrity(LedgerEntry record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.IntegrityProblem is { } problem
            ? $"FAILED: {problem}. Changed or written without the outbox MAC key; never published (docs/operations.md, Tampered outbox record)"
            : $"verified (MAC key {record.MacKeyId})";
    }

    /// <summary>
    /// What an envelope carries for the order system, read from the envelope itself: status, amount
    /// and references of its notification (<c>-</c> for a field it lacks).
    /// </summary>
    public static string Summary(ReadOnlyMemory<byte> envelope)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope);
            var notification = document.RootElement.TryGetProperty("notification", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : default;
            var amount = Field(notification, "amount") is { ValueKind: JsonValueKind.Object } money
                ? $"{Text(Field(money, "value"))} {Text(Field(money, "currency"))}"
                : "-";
            return $"latestTransactionStatus {Text(Field(notification, "latestTransactionStatus"))}, amount {amount}, " +
                $"originalReferenceNo {Text(Field(notification, "originalReferenceNo"))}, originalPartnerReferenceNo {Text(Field(notification, "originalPartnerReferenceNo"))}";
        }
        catch (JsonException)
        {
            return "not JSON";
        }

        static JsonElement? Field(JsonElement? element, string name) =>
            element is { ValueKind: JsonValueKind.Object } value && value.TryGetProperty(name, out var field) ? field : null;

        static string Text(JsonElement? element) => element switch
        {
            { ValueKind: JsonValueKind.String } value => value.GetString()!,
            { } value => value.GetRawText(),
            null => "-",
        };
    }

    public static string Lease(LedgerEntry record, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(record);
        return record.LeaseUntil switch
        {
            null => "none",
            { } until when until > now => $"held until {Times.Format(until)} (a request, the relay or an operator is publishing it)",
            { } until => $"lapsed at {Times.Format(until)}",
        };
    }

    /// <summary>The envelope indented for reading; the text stays as stored when it is not JSON.</summary>
    public static string Pretty(ReadOnlyMemory<byte> envelope)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope);
            var buffer = new ArrayBufferWriter<byte>(envelope.Length * 2);
            using (var json = new Utf8JsonWriter(buffer, Indented))
            {
                document.WriteTo(json);
            }

            return Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(envelope.Span);
        }
    }

    private static void WritePairs(TextWriter writer, List<KeyValuePair<string, string>> pairs)
    {
        var width = pairs.Max(pair => pair.Key.Length);
        foreach (var (name, value) in pairs)
        {
            writer.WriteLine($"{name.PadRight(width)}  {value}");
        }
    }

    private static void WriteExternalIdRow(Utf8JsonWriter json, ExternalIdEntry row)
    {
        json.WriteString("partnerId", row.PartnerId);
        json.WriteString("externalId", row.ExternalId);
        json.WriteString("jakartaDay", Times.Day(row.JakartaDay));
        WriteMoment(json, "receivedAt", row.ReceivedAt);
    }

    private static void WriteMoment(Utf8JsonWriter json, string name, DateTimeOffset? moment)
    {
        if (moment is { } value)
        {
            // The same moments as the text output: Asia/Jakarta, with the offset.
            json.WriteString(name, value.ToOffset(Merchant.Snap.SnapTimestamp.JakartaOffset));
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteJson(TextWriter writer, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, Indented))
        {
            write(json);
        }

        writer.WriteLine(Encoding.UTF8.GetString(buffer.WrittenSpan));
    }
}
