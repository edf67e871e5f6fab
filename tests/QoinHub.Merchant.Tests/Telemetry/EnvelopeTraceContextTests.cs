using System.Text;
using System.Text.Json;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Notifications.Publishing;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>The envelope's optional <c>traceparent</c> (schema 1.1): written when valid, read back from stored bytes.</summary>
public sealed class EnvelopeTraceContextTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public void Traceparent_is_written_after_receivedAt_and_before_the_notification()
    {
        var message = NotificationEnvelope.Create(NotificationSamples.Input() with { TraceParent = TraceParent });

        using var envelope = JsonDocument.Parse(message.Envelope);
        Assert.Equal(
            ["schemaVersion", "type", "messageId", "partnerId", "externalId", "channelId", "timestamp", "receivedAt", "traceparent", "notification"],
            envelope.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(TraceParent, envelope.RootElement.GetProperty("traceparent").GetString());
        Assert.Equal(TraceParent, message.TraceParent);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\",\"x\":\"y")]
    public void Missing_or_invalid_trace_context_writes_no_traceparent(string? traceParent)
    {
        var message = NotificationEnvelope.Create(NotificationSamples.Input() with { TraceParent = traceParent });

        using var envelope = JsonDocument.Parse(message.Envelope);
        Assert.False(envelope.RootElement.TryGetProperty("traceparent", out _));
        Assert.Null(message.TraceParent);
    }

    [Fact]
    public void Stored_envelope_gives_back_its_traceparent_and_a_1_0_envelope_none()
    {
        var stored = NotificationEnvelope.Create(NotificationSamples.Input(NotificationSamples.UnicodeBody) with { TraceParent = TraceParent }).Envelope.ToArray();
        Assert.Equal(TraceParent, NotificationEnvelope.ReadTraceParent(stored));

        // A record stored before 1.1, an envelope whose notification merely mentions a traceparent, and non-JSON.
        var old = Encoding.UTF8.GetBytes("""{"schemaVersion":"1.0","type":"qoinhub.payment-notification.debit","receivedAt":"2024-08-23T00:44:20.512Z","notification":{"traceparent":"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}""");
        Assert.Null(NotificationEnvelope.ReadTraceParent(old));
        Assert.Null(NotificationEnvelope.ReadTraceParent("not json"u8));
        Assert.Null(NotificationEnvelope.ReadTraceParent("""{"traceparent":42,"notification":{}}"""u8));
    }

    [Fact]
    public void Stored_envelope_gives_back_the_schema_version_it_was_written_with()
    {
        var current = NotificationEnvelope.Create(NotificationSamples.Input());
        Assert.Equal("1.1", NotificationEnvelope.ReadSchemaVersion(current.Envelope.Span));
        Assert.Equal("1.1", current.SchemaVersion);

        var old = current with { Envelope = Encoding.UTF8.GetBytes("""{"schemaVersion":"1.0","type":"qoinhub.payment-notification.debit","notification":{"schemaVersion":"9.9"}}""") };
        Assert.Equal("1.0", old.SchemaVersion);

        // Only the envelope's own field, and only major.minor: otherwise the current version.
        Assert.Null(NotificationEnvelope.ReadSchemaVersion("""{"type":"x","notification":{"schemaVersion":"1.0"}}"""u8));
        Assert.Null(NotificationEnvelope.ReadSchemaVersion("""{"schemaVersion":"1.0\"x","notification":{}}"""u8));
        Assert.Null(NotificationEnvelope.ReadSchemaVersion("""{"schemaVersion":"1.","notification":{}}"""u8));
        Assert.Null(NotificationEnvelope.ReadSchemaVersion("""{"schemaVersion":1.0,"notification":{}}"""u8));
        Assert.Null(NotificationEnvelope.ReadSchemaVersion("not json"u8));
        Assert.Equal(NotificationEnvelope.SchemaVersion, (current with { Envelope = "not json"u8.ToArray() }).SchemaVersion);
    }
}
