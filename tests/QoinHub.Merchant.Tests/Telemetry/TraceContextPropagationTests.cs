using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing.ServiceBus;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// The caller's <c>traceparent</c> reaches the queued message on both publishers, so the order
/// system's processing joins QoinHub's trace: in the envelope (<c>traceparent</c>) on the storage
/// queue and on Service Bus, and as the <c>Diagnostic-Id</c> and <c>traceparent</c> application
/// properties (REST: custom headers of the send) on Service Bus.
/// </summary>
public sealed class TraceContextPropagationTests : IDisposable
{
    private readonly RSA _key = SnapClient.VectorPrivateKey();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Storage_queue_message_carries_the_callers_trace_in_the_envelope()
    {
        await using var app = await TelemetryAppFactory.StartAsync();
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var caller = await NotifyAsync(client, "T-propagate-queue");

        var message = Assert.Single(await QueueReader.DrainAsync(AzuriteServer.Instance.ConnectionString, app.QueueName));
        var traceParent = message.GetProperty("traceparent").GetString()!;
        AssertChildOf(caller, traceParent, await ServerSpanAsync(app, caller));
    }

    [Fact]
    public async Task Service_Bus_message_carries_the_callers_trace_as_properties_and_in_the_envelope()
    {
        await using var broker = ServiceBusStandIn.Start(null, TelemetryAppFactory.ServiceBusQueue);
        await using var app = await TelemetryAppFactory.StartAsync(broker);
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var caller = await NotifyAsync(client, "T-propagate-servicebus");

        var sent = Assert.Single(broker.Queue(TelemetryAppFactory.ServiceBusQueue).Active);
        using var envelope = JsonDocument.Parse(sent.Body);
        var traceParent = envelope.RootElement.GetProperty("traceparent").GetString()!;
        AssertChildOf(caller, traceParent, await ServerSpanAsync(app, caller));

        // The application properties the Service Bus SDKs read a message's trace from: the receipt's
        // context, not one of the SDK's own send span.
        Assert.Equal(traceParent, sent.Property(ServiceBusPublisher.DiagnosticIdProperty));
        Assert.Equal(traceParent, sent.Property(ServiceBusPublisher.TraceParentProperty));
    }

    private async Task<CallerTrace> NotifyAsync(SnapClient client, string reference)
    {
        var token = await client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        var caller = CallerTrace.New();
        using var request = caller.On(client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "620001", SnapClient.NotificationBody(reference)));
        using var response = await client.Http.SendAsync(request);
        Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        return caller;
    }

    private static async Task<Activity> ServerSpanAsync(TelemetryAppFactory app, CallerTrace caller) =>
        (await app.TraceAsync(caller.TraceId, SpanQueries.HasServerSpan)).Server();

    /// <summary>The message's context is the server span of the call: same trace as the caller, the server span's id.</summary>
    private static void AssertChildOf(CallerTrace caller, string traceParent, Activity server)
    {
        Assert.True(ActivityContext.TryParse(traceParent, null, out var context), traceParent);
        Assert.Equal(caller.TraceId, context.TraceId);
        Assert.Equal(server.SpanId, context.SpanId);
        Assert.Equal(caller.SpanId, server.ParentSpanId);
    }
}
