using System.Collections.Concurrent;
using System.Diagnostics;
using QoinHub.OrderConsumer.Envelope;
using QoinHub.OrderConsumer.Orders;
using QoinHub.OrderConsumer.Processing;
using QoinHub.OrderConsumer.Tests.Infrastructure;

namespace QoinHub.OrderConsumer.Tests;

/// <summary>The processing span joins the trace the message carries.</summary>
public sealed class TracingTests : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public TracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ConsumerTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public async Task The_processing_span_is_a_child_of_the_envelopes_traceparent()
    {
        await using var harness = await ConsumerHarness.StartAsync();
        var reference = Envelopes.NewReference();

        var messageId = await harness.SendAsync(Envelopes.Create(reference, PaymentStatuses.Success));
        var activity = await SpanOfAsync(harness, messageId);

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", activity.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", activity.ParentSpanId.ToHexString());
        Assert.Equal(ActivityKind.Consumer, activity.Kind);
        Assert.Equal(ConsumerTelemetry.ActivityName, activity.OperationName);
        Assert.Equal(Outcomes.Applied, activity.GetTagItem("qoinhub.outcome"));
        Assert.Equal(reference, activity.GetTagItem("qoinhub.original_reference_no"));
        Assert.Equal(ConsumerHarness.QueueName, activity.GetTagItem("messaging.destination.name"));
    }

    [Fact]
    public async Task Without_traceparent_in_the_body_the_Diagnostic_Id_property_is_the_parent()
    {
        // A 1.0 envelope (no traceparent) that an operator republished with the trace of its receipt.
        await using var harness = await ConsumerHarness.StartAsync();
        const string DiagnosticId = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var envelope = Envelopes.Create(Envelopes.NewReference(), PaymentStatuses.Success, traceParent: null, schemaVersion: "1.0");
        await EnvelopeSchema.AssertValidAsync(envelope);
        var messageId = Envelopes.MessageIdOf(envelope);

        harness.SendRaw(messageId, Envelopes.Bytes(envelope), new Dictionary<string, object?> { ["Diagnostic-Id"] = DiagnosticId });
        var activity = await SpanOfAsync(harness, messageId);

        Assert.Equal("0af7651916cd43dd8448eb211c80319c", activity.TraceId.ToHexString());
        Assert.Equal("b7ad6b7169203331", activity.ParentSpanId.ToHexString());
    }

    [Fact]
    public async Task A_dead_lettered_message_still_joins_the_trace_of_its_properties_and_records_the_error()
    {
        await using var harness = await ConsumerHarness.StartAsync();
        var messageId = MessageIds.For(Envelopes.Partner, Envelopes.NewReference(), PaymentStatuses.Success);

        harness.SendRaw(messageId, "not json"u8.ToArray(), new Dictionary<string, object?> { ["Diagnostic-Id"] = Envelopes.TraceParent });
        var activity = await SpanOfAsync(harness, messageId);

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", activity.TraceId.ToHexString());
        Assert.Equal(ActivityStatusCode.Error, activity.Status);
        Assert.Equal(DeadLetterReasons.InvalidJson, activity.GetTagItem("qoinhub.dead_letter_reason"));
    }

    private async Task<Activity> SpanOfAsync(ConsumerHarness harness, string messageId)
    {
        Activity? found = null;
        await harness.WaitUntilAsync(
            () => (found = _stopped.FirstOrDefault(a => (string?)a.GetTagItem("messaging.message.id") == messageId)) is not null,
            $"the processing span of {messageId}");
        return found!;
    }
}
