using System.Text;
using QoinHub.Merchant.Testing.ServiceBus;
using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

/// <summary>
/// Republish with the ServiceBus__* settings the app runs with: the tool registers the app's own
/// publisher (Azure.Messaging.ServiceBus) and sends over AMQP to the Service Bus stand-in.
/// </summary>
public sealed class ServiceBusRepublishTests : IAsyncLifetime, IDisposable
{
    private const string Queue = "payment-notifications";

    private readonly ServiceBusStandIn _broker;
    private readonly OperatorTestBed _bed;

    public ServiceBusRepublishTests()
    {
        _broker = ServiceBusStandIn.Start(null, Queue);
        _bed = new OperatorTestBed(new Dictionary<string, string?>
        {
            ["ServiceBus__ConnectionString"] = _broker.ConnectionString,
            ["ServiceBus__QueueName"] = Queue,
        });
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => _broker.DisposeAsync().AsTask();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Republish_sends_the_stored_envelope_once_through_the_apps_service_bus_sender()
    {
        var seeded = await _bed.SeedAsync("2001", "T2001", published: false);

        var run = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Republished {seeded.MessageId} (partner dev-qoinhub, X-EXTERNAL-ID 2001, originalReferenceNo T2001, status 00) to the Service Bus queue '{Queue}'", run.Out, StringComparison.Ordinal);
        var send = Assert.Single(_broker.Sends);
        Assert.Equal(SendOutcome.Accepted, send.Outcome);
        var message = Assert.Single(_broker.Queue(Queue).Active);
        Assert.Equal(seeded.MessageId, message.MessageId);
        Assert.Equal("application/json", message.ContentType);
        Assert.Equal(Encoding.UTF8.GetString(seeded.Message.Envelope.Span), Encoding.UTF8.GetString(message.Body));
        Assert.NotNull(message.Property("SchemaVersion"));
        Assert.All(_broker.TokenRequests, request => Assert.Equal(200, request.StatusCode));
        Assert.Equal("Published", (await _bed.TableLedger.FindRecordAsync(seeded.MessageId, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_broker_that_fails_every_send_exits_3_leaves_the_record_unpublished_and_prints_no_key()
    {
        var seeded = await _bed.SeedAsync("2002", "T2002", published: false);
        _broker.EveryDelivery = StandInFault.InternalError;

        var run = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);

        Assert.True(run.ExitCode == 3, run.ToString());
        Assert.Contains($"The queue did not accept {seeded.MessageId}", run.Error, StringComparison.Ordinal);
        Assert.Contains($"ServiceBus__QueueName ('{Queue}'): check ServiceBus__ConnectionString", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(ServiceBusStandIn.SharedAccessKey, run.Out + run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessSignature", run.Out + run.Error, StringComparison.Ordinal);
        Assert.Empty(_broker.Queue(Queue).Active);
        Assert.NotEmpty(_broker.Sends);
        var record = await _bed.TableLedger.FindRecordAsync(seeded.MessageId, CancellationToken.None);
        Assert.Equal("Received", record!.State);
        Assert.True(record.LeaseUntil <= OperatorTestBed.Now, "The failed republish released its claim.");
    }
}
