using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QoinHub.Merchant.Testing.ServiceBus;
using QoinHub.OrderConsumer.Orders;

namespace QoinHub.OrderConsumer.Tests.Infrastructure;

/// <summary>
/// The consumer as the sample's host runs it (<see cref="OrderConsumerServiceCollectionExtensions.AddOrderConsumer"/>),
/// against a Service Bus stand-in on loopback: real AMQP, the real SDK processor. Messages are put on
/// the queue as the merchant callbacks app's REST publisher sends them (same system and application
/// properties). Nothing waits for a fixed time: <see cref="WaitUntilAsync"/> polls the broker's or
/// the store's state, up to a generous bound.
/// </summary>
internal sealed class ConsumerHarness : IAsyncDisposable
{
    public const string QueueName = "payment-notifications";

    private static readonly TimeSpan WaitBound = TimeSpan.FromSeconds(30);

    private readonly IHost _host;

    private ConsumerHarness(ServiceBusStandIn broker, InMemoryOrderStore orders, IHost host)
    {
        Broker = broker;
        Orders = orders;
        _host = host;
        Logs = host.Services.GetFakeLogCollector();
    }

    public ServiceBusStandIn Broker { get; }

    public StandInEntity Queue => Broker.Queue(QueueName);

    /// <summary>The state behind the store the consumer uses (possibly wrapped by a faulty one).</summary>
    public InMemoryOrderStore Orders { get; }

    public FakeLogCollector Logs { get; }

    /// <param name="wrap">Puts a test store around the in-memory one (to make it fail).</param>
    public static async Task<ConsumerHarness> StartAsync(Func<IOrderStore, IOrderStore>? wrap = null, int maxDeliveryCount = 10)
    {
        var broker = ServiceBusStandIn.Start(null, QueueName);
        broker.MaxDeliveryCount = maxDeliveryCount;
        var orders = new InMemoryOrderStore();

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OrderConsumer:ConnectionString"] = broker.ConnectionString,
            ["OrderConsumer:QueueName"] = QueueName,
            ["OrderConsumer:MaxConcurrentCalls"] = "4",
            // The stand-in has no $management node, which lock renewal needs; the messages here take milliseconds.
            ["OrderConsumer:MaxAutoLockRenewalDuration"] = "00:00:00",
            ["OrderConsumer:TransientFailureDelay"] = "00:00:00",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddFakeLogging();
        builder.Services.AddSingleton(wrap is null ? orders : wrap(orders));
        builder.Services.AddOrderConsumer();
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            await ((IAsyncDisposable)host).DisposeAsync();
            await broker.DisposeAsync();
            throw;
        }

        return new ConsumerHarness(broker, orders, host);
    }

    /// <summary>Sends an envelope the schema accepts (checked first), as the app publishes it; returns its message id.</summary>
    public async Task<string> SendAsync(JsonObject envelope)
    {
        await EnvelopeSchema.AssertValidAsync(envelope);
        var messageId = Envelopes.MessageIdOf(envelope);
        var notification = envelope["notification"]!;
        var properties = new Dictionary<string, object?>
        {
            ["PartnerId"] = (string?)envelope["partnerId"],
            ["ExternalId"] = (string?)envelope["externalId"],
            ["ChannelId"] = (string?)envelope["channelId"],
            ["LatestTransactionStatus"] = (string?)notification["latestTransactionStatus"],
            ["OriginalReferenceNo"] = (string?)notification["originalReferenceNo"],
            ["SchemaVersion"] = (string?)envelope["schemaVersion"],
        };
        if (envelope["traceparent"] is { } traceParent)
        {
            properties["Diagnostic-Id"] = (string)traceParent!;
            properties["traceparent"] = (string)traceParent!;
        }

        SendRaw(messageId, Envelopes.Bytes(envelope), properties, (string?)notification["originalPartnerReferenceNo"]);
        return messageId;
    }

    /// <summary>Puts any body on the queue, as the publisher would (content type, subject), with the given MessageId.</summary>
    public void SendRaw(string messageId, byte[] body, IReadOnlyDictionary<string, object?>? properties = null, string? correlationId = null) =>
        Queue.Add(new StandInMessage
        {
            MessageId = messageId,
            ContentType = "application/json; charset=utf-8",
            Subject = "payment-notification",
            CorrelationId = correlationId,
            ApplicationProperties = properties ?? new Dictionary<string, object?>(),
            Body = body,
        });

    public Task WaitUntilCompletedAsync(string messageId, int times = 1) =>
        WaitUntilAsync(() => Queue.Completed.Count(m => m.MessageId == messageId) >= times, $"message {messageId} completed {times} time(s)");

    public Task WaitUntilDeadLetteredAsync(string messageId) =>
        WaitUntilAsync(() => Queue.DeadLettered.Any(m => m.MessageId == messageId), $"message {messageId} dead-lettered");

    /// <summary>The outcome log entry of a message (written just after it was settled).</summary>
    public async Task<FakeLogRecord> OutcomeLogAsync(string messageId, string outcome)
    {
        FakeLogRecord? record = null;
        await WaitUntilAsync(
            () => (record = Logs.GetSnapshot().LastOrDefault(r => State(r, "MessageId") == messageId && State(r, "Outcome") == outcome)) is not null,
            $"the {outcome} log entry of {messageId}");
        return record!;
    }

    public static string? State(FakeLogRecord record, string key) =>
        record.StructuredState?.FirstOrDefault(pair => pair.Key == key).Value;

    /// <summary>Polls until the condition holds, at most 30 s; then fails with what was awaited and the queue's state.</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > WaitBound)
            {
                var errors = string.Join(Environment.NewLine, Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Warning).Select(r => r.Message + " " + r.Exception?.Message));
                Assert.Fail($"Not within {WaitBound.TotalSeconds} s: {what}. Active {Queue.Active.Count}, completed {Queue.Completed.Count}, "
                    + $"dead-lettered {Queue.DeadLettered.Count} ({DeadLetterReasons()}). Warnings and errors logged:{Environment.NewLine}{errors}");
            }

            await Task.Delay(20);
        }
    }

    private string DeadLetterReasons() =>
        string.Join(", ", Queue.DeadLettered.Select(m => m.MessageId is { } id ? $"{id[..8]}: {Queue.DeadLetterReasonOf(id).Reason}" : "no id"));

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(WaitBound))
        {
            await _host.StopAsync(stopping.Token);
        }

        await ((IAsyncDisposable)_host).DisposeAsync();
        await Broker.DisposeAsync();
    }
}
