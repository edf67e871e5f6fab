using System.Text;
using System.Text.Json.Nodes;
using QoinHub.OrderConsumer.Envelope;
using QoinHub.OrderConsumer.Orders;
using QoinHub.OrderConsumer.Tests.Infrastructure;

namespace QoinHub.OrderConsumer.Tests;

/// <summary>
/// The consumer's reader against the published JSON Schema: it accepts exactly what the schema
/// accepts (over valid envelopes and one-field mutations of them), and says why it refuses.
/// </summary>
public sealed class EnvelopeReaderTests
{
    private const string Reference = "T24080000027";

    /// <summary>Changes to a valid envelope: (name, path, JSON value or null to remove).</summary>
    public static TheoryData<string, string, string?> Mutations()
    {
        var data = new TheoryData<string, string, string?>
        {
            // Valid ones.
            { "no traceparent (1.0)", "traceparent", null },
            { "schemaVersion 1.0", "schemaVersion", "\"1.0\"" },
            { "schemaVersion 1.10", "schemaVersion", "\"1.10\"" },
            { "unknown envelope field", "addedIn12", "{\"a\":[1,null,true]}" },
            { "unknown notification field", "notification.paidAmount", "{\"value\":\"10000.00\",\"currency\":\"IDR\"}" },
            { "no additionalInfo", "notification.additionalInfo", null },
            { "additionalInfo with content", "notification.additionalInfo", "{\"channel\":\"qris\",\"n\":1}" },
            { "empty status text", "notification.transactionStatusDesc", "\"\"" },
            { "free-form createdTime", "notification.createdTime", "\"yesterday\"" },
            { "unicode reference", "notification.originalPartnerReferenceNo", "\"pesanan-\\u00e9-1\"" },
            { "timestamp without offset", "timestamp", "\"2024-08-23T07:44:20\"" },
            { "traceparent unsampled", "traceparent", "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\"" },

            // Invalid ones.
            { "schemaVersion 2.0", "schemaVersion", "\"2.0\"" },
            { "schemaVersion 0.9", "schemaVersion", "\"0.9\"" },
            { "schemaVersion 1", "schemaVersion", "\"1\"" },
            { "schemaVersion number", "schemaVersion", "1.0" },
            { "schemaVersion null", "schemaVersion", "null" },
            { "other type", "type", "\"qoinhub.payment-notification.credit\"" },
            { "type number", "type", "1" },
            { "uppercase messageId", "messageId", "\"79A8D4008B8B8579E324D51BA5A40D666DE8766D9CFCDC521E27AC17BCE25840\"" },
            { "short messageId", "messageId", "\"79a8d400\"" },
            { "empty partnerId", "partnerId", "\"\"" },
            { "externalId number", "externalId", "418075533589" },
            { "empty channelId", "channelId", "\"\"" },
            { "empty timestamp", "timestamp", "\"\"" },
            { "receivedAt with offset", "receivedAt", "\"2024-08-23T07:44:20.512+07:00\"" },
            { "receivedAt without milliseconds", "receivedAt", "\"2024-08-23T00:44:20Z\"" },
            { "receivedAt on a day that does not exist", "receivedAt", "\"2024-02-30T00:44:20.512Z\"" },
            { "receivedAt at hour 24", "receivedAt", "\"2024-08-23T24:44:20.512Z\"" },
            { "traceparent uppercase", "traceparent", "\"00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01\"" },
            { "traceparent version 01", "traceparent", "\"01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"" },
            { "traceparent null", "traceparent", "null" },
            { "notification string", "notification", "\"{}\"" },
            { "notification array", "notification", "[]" },
            { "status 0A", "notification.latestTransactionStatus", "\"0A\"" },
            { "status 100", "notification.latestTransactionStatus", "\"100\"" },
            { "status 10", "notification.latestTransactionStatus", "\"10\"" },
            { "status number", "notification.latestTransactionStatus", "0" },
            { "empty originalReferenceNo", "notification.originalReferenceNo", "\"\"" },
            { "empty originalPartnerReferenceNo", "notification.originalPartnerReferenceNo", "\"\"" },
            { "createdTime number", "notification.createdTime", "20240823" },
            { "status text null", "notification.transactionStatusDesc", "null" },
            { "additionalInfo string", "notification.additionalInfo", "\"none\"" },
            { "additionalInfo array", "notification.additionalInfo", "[]" },
        };
        foreach (var field in new[] { "schemaVersion", "type", "messageId", "partnerId", "externalId", "channelId", "timestamp", "receivedAt", "notification" })
        {
            data.Add($"no {field}", field, null);
        }

        foreach (var field in new[] { "createdTime", "latestTransactionStatus", "originalPartnerReferenceNo", "originalReferenceNo", "transactionStatusDesc" })
        {
            data.Add($"no notification.{field}", "notification." + field, null);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task Reader_accepts_exactly_what_the_schema_accepts(string name, string path, string? json)
    {
        var envelope = Envelopes.Create(Reference, PaymentStatuses.Success).With(path, json);

        var schemaErrors = await EnvelopeSchema.ValidateAsync(envelope);
        var read = EnvelopeReader.Read(Envelopes.Bytes(envelope));

        Assert.True(
            schemaErrors.Count == 0 == read.Envelope is not null,
            $"{name}: schema says {(schemaErrors.Count == 0 ? "valid" : string.Join("; ", schemaErrors))}, reader says {read.Refusal?.Description ?? "valid"}");
        Assert.True(read.Envelope is null == read.Refusal is not null);
    }

    [Theory]
    [InlineData("receivedAt", "\"2024-08-23T00:44:20.512Z\\n\"")]
    [InlineData("messageId", "\"79a8d4008b8b8579e324d51ba5a40d666de8766d9cfcdc521e27ac17bce25840\\n\"")]
    [InlineData("traceparent", "\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\\n\"")]
    public async Task A_trailing_newline_is_refused_where_NJsonSchema_lets_it_through(string path, string json)
    {
        // JSON Schema patterns are ECMA-262: $ is the end of the string. .NET's $ also matches before a
        // final newline, so NJsonSchema accepts these; the schema does not, and neither does the reader.
        var envelope = Envelopes.Create(Reference, PaymentStatuses.Success).With(path, json);
        Assert.Empty(await EnvelopeSchema.ValidateAsync(envelope));

        var refusal = EnvelopeReader.Read(Envelopes.Bytes(envelope)).Refusal;

        Assert.Equal(DeadLetterReasons.SchemaViolation, refusal?.Reason);
        Assert.Contains(path, refusal!.Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(PaymentStatuses.Success)]
    [InlineData(PaymentStatuses.Initiated)]
    [InlineData(PaymentStatuses.Paying)]
    [InlineData(PaymentStatuses.Pending)]
    [InlineData(PaymentStatuses.Refunded)]
    [InlineData(PaymentStatuses.Canceled)]
    [InlineData(PaymentStatuses.Failed)]
    [InlineData(PaymentStatuses.NotFound)]
    [InlineData(PaymentStatuses.Expired)]
    [InlineData(PaymentStatuses.Rejected)]
    public async Task Every_status_reads_with_its_fields(string status)
    {
        var envelope = Envelopes.Create(Reference, status);
        await EnvelopeSchema.AssertValidAsync(envelope);

        var read = EnvelopeReader.Read(Envelopes.Bytes(envelope)).Envelope;

        Assert.NotNull(read);
        Assert.Equal(("1.1", PaymentNotificationEnvelope.DebitType, Envelopes.Partner, Envelopes.TraceParent), (read.SchemaVersion, read.Type, read.PartnerId, read.TraceParent));
        Assert.Equal("2024-08-23T00:44:20.512Z", read.ReceivedAt);
        Assert.Equal(new PaymentNotification("2024-08-23T07:44:11+07:00", status, "order-" + Reference, Reference, PaymentStatuses.NameOf(status)), read.Notification);
        Assert.Equal(MessageIds.For(Envelopes.Partner, Reference, status), read.MessageId);
    }

    [Fact]
    public async Task The_schemas_example_reads_and_its_message_id_is_the_hash_of_its_fields()
    {
        var example = JsonNode.Parse(await File.ReadAllTextAsync(EnvelopeSchema.Path))!["examples"]![0]!;
        Assert.Empty(await EnvelopeSchema.ValidateAsync(example));

        var read = EnvelopeReader.Read(Envelopes.Bytes(example)).Envelope;

        Assert.NotNull(read);
        Assert.Equal(read.MessageId, MessageIds.For(read.PartnerId, read.Notification.OriginalReferenceNo, read.Notification.LatestTransactionStatus));
    }

    [Fact]
    public void The_message_id_is_the_documented_hash()
    {
        // docs/messages.md: 8:QoinSnap12:T240800000272:00
        Assert.Equal("79a8d4008b8b8579e324d51ba5a40d666de8766d9cfcdc521e27ac17bce25840", MessageIds.For("QoinSnap", "T24080000027", "00"));
        Assert.NotEqual(MessageIds.For("a", "bc", "00"), MessageIds.For("ab", "c", "00"));
    }

    [Fact]
    public void Notification_written_as_QoinHub_sent_it_with_whitespace_and_escapes_reads()
    {
        var id = MessageIds.For("QoinSnap", "T24080000027", "00");
        var body = "{\"schemaVersion\":\"1.1\",\"type\":\"qoinhub.payment-notification.debit\",\"messageId\":\"" + id + "\",\"partnerId\":\"QoinSnap\","
            + "\"externalId\":\"1\",\"channelId\":\"95221\",\"timestamp\":\"2024-08-23T07:44:20+07:00\",\"receivedAt\":\"2024-08-23T00:44:20.512Z\",\"notification\":{\r\n"
            + "  \"originalReferenceNo\" : \"T24080000027\",\n\t\"originalPartnerReferenceNo\": \"abc\\/def\\u00e9\",\n"
            + "  \"latestTransactionStatus\": \"00\", \"transactionStatusDesc\": \"Success\", \"createdTime\": \"2024-08-23T07:44:11+07:00\"\n}}";

        var read = EnvelopeReader.Read(Encoding.UTF8.GetBytes(body));

        Assert.Null(read.Refusal);
        Assert.Equal("abc/def\u00e9", read.Envelope!.Notification.OriginalPartnerReferenceNo);
    }

    [Theory]
    [InlineData("", "InvalidJson")]
    [InlineData("{\"schemaVersion\":", "InvalidJson")]
    [InlineData("\u00ff\u00fe", "InvalidJson")]
    [InlineData("{\"type\":\"a\",\"type\":\"b\"}", "InvalidJson")]
    [InlineData("[]", "SchemaViolation")]
    [InlineData("\"a string\"", "SchemaViolation")]
    [InlineData("{}", "SchemaViolation")]
    public void Not_an_envelope_is_refused(string body, string reason)
    {
        var read = EnvelopeReader.Read(Encoding.UTF8.GetBytes(body));

        Assert.Null(read.Envelope);
        Assert.Equal(reason, read.Refusal!.Reason);
    }

    [Fact]
    public void A_refusal_lists_every_problem_up_to_five_and_never_a_value_of_the_notification()
    {
        var envelope = Envelopes.Create(Reference, PaymentStatuses.Success)
            .With("partnerId", null).With("externalId", "1").With("channelId", "\"\"").With("receivedAt", "\"now\"")
            .With("notification.latestTransactionStatus", "\"success\"").With("notification.originalReferenceNo", null);

        var refusal = EnvelopeReader.Read(Envelopes.Bytes(envelope)).Refusal!;

        Assert.Equal(DeadLetterReasons.SchemaViolation, refusal.Reason);
        Assert.Contains("partnerId is missing", refusal.Description, StringComparison.Ordinal);
        Assert.Contains("externalId is a JSON number, not a string", refusal.Description, StringComparison.Ordinal);
        Assert.Contains("and 1 more", refusal.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("success", refusal.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("order-" + Reference, refusal.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void A_foreign_type_is_quoted_shortened_and_printable_only()
    {
        var envelope = Envelopes.Create(Reference, PaymentStatuses.Success).With("type", "\"x\\n" + new string('y', 100) + "\"");

        var refusal = EnvelopeReader.Read(Envelopes.Bytes(envelope)).Refusal!;

        Assert.Equal(DeadLetterReasons.UnsupportedType, refusal.Reason);
        Assert.Contains("'x?" + new string('y', 38) + "…'", refusal.Description, StringComparison.Ordinal);
    }
}
