using System.Text;
using System.Text.Json;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

public sealed class NotificationEnvelopeTests
{
    [Fact]
    public void Envelope_carries_every_field_of_the_input()
    {
        var input = NotificationSamples.Input();

        var message = NotificationEnvelope.Create(input);

        using var envelope = JsonDocument.Parse(message.Envelope);
        var root = envelope.RootElement;
        Assert.Equal("1.1", root.GetProperty("schemaVersion").GetString());
        Assert.Equal("qoinhub.payment-notification.debit", root.GetProperty("type").GetString());
        Assert.Equal(NotificationEnvelope.MessageIdFor("QoinSnap", "T24080000027", "00"), root.GetProperty("messageId").GetString());
        Assert.Equal(input.PartnerId, root.GetProperty("partnerId").GetString());
        Assert.Equal(input.ExternalId, root.GetProperty("externalId").GetString());
        Assert.Equal(input.ChannelId, root.GetProperty("channelId").GetString());
        Assert.Equal(input.Timestamp, root.GetProperty("timestamp").GetString());
        Assert.Equal("2024-08-23T00:44:20.512Z", root.GetProperty("receivedAt").GetString());
        Assert.Equal("T24080000027", root.GetProperty("notification").GetProperty("originalReferenceNo").GetString());

        Assert.Equal(root.GetProperty("messageId").GetString(), message.MessageId);
        Assert.Equal(input.PartnerId, message.PartnerId);
        Assert.Equal(input.ExternalId, message.ExternalId);
        Assert.Equal(input.ChannelId, message.ChannelId);
        Assert.Equal(input.OriginalPartnerReferenceNo, message.OriginalPartnerReferenceNo);
        Assert.Equal(input.OriginalReferenceNo, message.OriginalReferenceNo);
        Assert.Equal(input.LatestTransactionStatus, message.LatestTransactionStatus);
    }

    [Fact]
    public void Envelope_has_exactly_the_documented_properties_in_order()
    {
        var message = NotificationSamples.Message();

        using var envelope = JsonDocument.Parse(message.Envelope);
        Assert.Equal(
            ["schemaVersion", "type", "messageId", "partnerId", "externalId", "channelId", "timestamp", "receivedAt", "notification"],
            envelope.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [MemberData(nameof(NotificationSamples.Bodies), MemberType = typeof(NotificationSamples))]
    public void Body_is_embedded_byte_for_byte(string style, string body)
    {
        var bodyBytes = Encoding.UTF8.GetBytes(body);

        var message = NotificationEnvelope.Create(NotificationSamples.Input(body));

        // The envelope ends with the notification property: its value must be the received bytes, unchanged.
        byte[] expectedTail = [.. "\"notification\":"u8, .. bodyBytes, .. "}"u8];
        Assert.True(message.Envelope.Span.EndsWith(expectedTail), $"The {style} body was not embedded unchanged.");
        using var envelope = JsonDocument.Parse(message.Envelope);
        Assert.Equal(body, envelope.RootElement.GetProperty("notification").GetRawText());
    }

    [Fact]
    public void Byte_order_mark_before_the_body_is_left_out()
    {
        var body = Encoding.UTF8.GetBytes(NotificationSamples.CompactBody);
        var input = NotificationSamples.Input() with { Body = (byte[])[0xEF, 0xBB, 0xBF, .. body] };

        var message = NotificationEnvelope.Create(input);

        byte[] expectedTail = [.. "\"notification\":"u8, .. body, .. "}"u8];
        Assert.True(message.Envelope.Span.EndsWith(expectedTail));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("{\"a\":")]
    [InlineData("{} {}")]
    [InlineData("{\"a\":1,}")]
    public void Body_that_is_not_one_json_object_is_refused(string body)
    {
        var input = NotificationSamples.Input() with { Body = Encoding.UTF8.GetBytes(body) };

        Assert.Throws<ArgumentException>(() => NotificationEnvelope.Create(input));
    }

    [Theory]
    [InlineData(nameof(NotificationEnvelopeInput.PartnerId))]
    [InlineData(nameof(NotificationEnvelopeInput.ExternalId))]
    [InlineData(nameof(NotificationEnvelopeInput.ChannelId))]
    [InlineData(nameof(NotificationEnvelopeInput.Timestamp))]
    [InlineData(nameof(NotificationEnvelopeInput.OriginalPartnerReferenceNo))]
    [InlineData(nameof(NotificationEnvelopeInput.OriginalReferenceNo))]
    [InlineData(nameof(NotificationEnvelopeInput.LatestTransactionStatus))]
    public void Empty_field_is_refused(string field)
    {
        var input = NotificationSamples.Input();
        input = field switch
        {
            nameof(NotificationEnvelopeInput.PartnerId) => input with { PartnerId = "" },
            nameof(NotificationEnvelopeInput.ExternalId) => input with { ExternalId = "" },
            nameof(NotificationEnvelopeInput.ChannelId) => input with { ChannelId = "" },
            nameof(NotificationEnvelopeInput.Timestamp) => input with { Timestamp = "" },
            nameof(NotificationEnvelopeInput.OriginalPartnerReferenceNo) => input with { OriginalPartnerReferenceNo = "" },
            nameof(NotificationEnvelopeInput.OriginalReferenceNo) => input with { OriginalReferenceNo = "" },
            _ => input with { LatestTransactionStatus = "" },
        };

        Assert.Throws<ArgumentException>(() => NotificationEnvelope.Create(input));
    }

    [Theory]
    [InlineData(7, 1234567L, "2024-08-23T00:44:20.123Z")]
    [InlineData(0, 0L, "2024-08-23T07:44:20.000Z")]
    [InlineData(-5, 9999999L, "2024-08-23T12:44:20.999Z")]
    public void Received_time_is_utc_with_milliseconds(int offsetHours, long extraTicks, string expected)
    {
        var receivedAt = new DateTimeOffset(2024, 8, 23, 7, 44, 20, TimeSpan.FromHours(offsetHours)).AddTicks(extraTicks);
        var input = NotificationSamples.Input() with { ReceivedAt = receivedAt };

        using var envelope = JsonDocument.Parse(NotificationEnvelope.Create(input).Envelope);

        Assert.Equal(expected, envelope.RootElement.GetProperty("receivedAt").GetString());
    }

    [Fact]
    public void Header_values_are_json_escaped_not_injected()
    {
        var input = NotificationSamples.Input() with { ChannelId = "95\"221\",\"x\":\"y", ExternalId = "line\nbreak" };

        using var envelope = JsonDocument.Parse(NotificationEnvelope.Create(input).Envelope);

        Assert.Equal("95\"221\",\"x\":\"y", envelope.RootElement.GetProperty("channelId").GetString());
        Assert.Equal("line\nbreak", envelope.RootElement.GetProperty("externalId").GetString());
        Assert.False(envelope.RootElement.TryGetProperty("x", out _));
    }

    [Fact]
    public void Documented_example_is_what_the_code_writes()
    {
        var document = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "docs", "messages.md")).ReplaceLineEndings("\n");
        const string Fence = "```json\n";
        var start = document.IndexOf(Fence, StringComparison.Ordinal) + Fence.Length;
        var example = document[start..document.IndexOf("\n```", start, StringComparison.Ordinal)];

        var written = Encoding.UTF8.GetString(NotificationSamples.Message().Envelope.Span);

        Assert.Equal(example, written);
    }

    [Fact]
    public void Message_id_matches_the_documented_example()
    {
        // docs/messages.md; computed independently: sha256(b"8:QoinSnap" + b"12:T24080000027" + b"2:00").
        Assert.Equal(
            "79a8d4008b8b8579e324d51ba5a40d666de8766d9cfcdc521e27ac17bce25840",
            NotificationEnvelope.MessageIdFor("QoinSnap", "T24080000027", "00"));
    }

    [Fact]
    public void Message_id_is_deterministic_and_fits_service_bus()
    {
        var first = NotificationSamples.Message(NotificationSamples.PrettyBody);
        var second = NotificationEnvelope.Create(NotificationSamples.Input(NotificationSamples.CompactBody) with
        {
            ExternalId = "99999999999999999999999999999999",
            ReceivedAt = NotificationSamples.ReceivedAt.AddMinutes(3),
        });

        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Matches("^[0-9a-f]{64}$", first.MessageId);
    }

    [Theory]
    [InlineData("QoinSnap2", "T24080000027", "00")]
    [InlineData("QoinSnap", "T24080000028", "00")]
    [InlineData("QoinSnap", "T24080000027", "03")]
    [InlineData("qoinsnap", "T24080000027", "00")]
    public void Message_id_changes_when_any_of_its_inputs_changes(string partnerId, string originalReferenceNo, string status)
    {
        var reference = NotificationEnvelope.MessageIdFor("QoinSnap", "T24080000027", "00");

        Assert.NotEqual(reference, NotificationEnvelope.MessageIdFor(partnerId, originalReferenceNo, status));
    }

    [Theory]
    [InlineData("a\nb", "c", "00", "a", "b\nc", "00")]
    [InlineData("a|b", "c", "00", "a", "b|c", "00")]
    [InlineData("1:a", "b", "00", "1", "a1:b", "00")]
    [InlineData("ab", "", "00", "a", "b", "00")]
    public void Message_id_cannot_be_confused_by_separators_inside_values(string p1, string r1, string s1, string p2, string r2, string s2)
    {
        Assert.NotEqual(NotificationEnvelope.MessageIdFor(p1, r1, s1), NotificationEnvelope.MessageIdFor(p2, r2, s2));
    }
}
