using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// A notification answered 5005600 because the queue was down, and never retried by QoinHub: the
/// outbox record holds it, and once the queue is back the relay publishes it exactly once, under
/// the message id the record stored, and marks it published.
/// </summary>
public sealed class RelayAfterOutageTests : IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private static readonly string Secret = Fixtures.Vectors.ClientSecret;
    private readonly RSA _key = SnapClient.VectorPrivateKey();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Storage_queue_outage_without_a_retry_is_published_once_by_the_relay_after_RelayAfter()
    {
        await using var app = new ProxiedStorageAppFactory();
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var relay = app.Services.GetRequiredService<OutboxRelay>();
        var token = await client.GetTokenAsync(_key, Partner);
        var body = SnapClient.NotificationBody("T-relay-queue");
        var messageId = NotificationEnvelope.MessageIdFor(Partner, "T-relay-queue", "00");

        app.Queues.IsUp = false;
        using (var request = client.NotifyRequest(token, Secret, Partner, "700001", body))
        using (var response = await client.Http.SendAsync(request))
        {
            Assert.Equal((500, "5005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        Assert.Equal("Received", await app.Ledger.StateAsync(messageId));
        Assert.True(await app.Ledger.HasPendingMarkerAsync(messageId));
        app.Queues.IsUp = true;

        // Younger than Outbox:RelayAfter (2 minutes): a QoinHub retry may still be on its way, so the relay leaves it.
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new RelayRun(0, 0, 0, 0, 0, null) { NotDue = 1 }, await relay.RunOnceAsync(CancellationToken.None));
        Assert.Empty(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, app.QueueName));

        app.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        var run = await relay.RunOnceAsync(CancellationToken.None);
        Assert.Equal((1, 1, 0), (run.Pending, run.Published, run.Failed));

        var message = Assert.Single(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, app.QueueName));
        Assert.Equal(messageId, message.GetProperty("messageId").GetString());
        Assert.Equal("700001", message.GetProperty("externalId").GetString());
        Assert.Equal(body, message.GetProperty("notification").GetRawText());
        Assert.Equal("Published", await app.Ledger.StateAsync(messageId));
        Assert.False(await app.Ledger.HasPendingMarkerAsync(messageId));

        var again = await relay.RunOnceAsync(CancellationToken.None);
        Assert.Equal((0, 0), (again.Pending, again.Published));
        Assert.Empty(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, app.QueueName));
    }

    [Fact]
    public async Task Service_Bus_refusing_every_try_without_a_retry_is_published_once_by_the_relay_after_RelayAfter()
    {
        await using var broker = ServiceBusStandIn.Start(null, LoopbackBrokerAppFactory.Queue);
        await using var app = new LoopbackBrokerAppFactory(broker, TimeSpan.FromSeconds(5));
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var relay = app.Services.GetRequiredService<OutboxRelay>();
        var token = await client.GetTokenAsync(_key, Partner);
        var body = SnapClient.NotificationBody("T-relay-broker");
        var messageId = NotificationEnvelope.MessageIdFor(Partner, "T-relay-broker", "00");

        // The first try and every retry of the publisher are refused.
        const int Tries = LoopbackBrokerAppFactory.MaxRetries + 1;
        broker.Script([.. Enumerable.Range(0, Tries).Select(_ => StandInFault.InternalError)]);
        using (var request = client.NotifyRequest(token, Secret, Partner, "700002", body))
        using (var response = await client.Http.SendAsync(request))
        {
            Assert.Equal((500, "5005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        Assert.Equal(Tries, broker.Sends.Count);
        Assert.Empty(BrokerSends.Enqueued(broker));
        Assert.Equal("Received", await app.Ledger.StateAsync(messageId));

        app.Clock.Advance(TimeSpan.FromMinutes(2) + TimeSpan.FromSeconds(1));
        var run = await relay.RunOnceAsync(CancellationToken.None);
        Assert.Equal((1, 1, 0), (run.Pending, run.Published, run.Failed));

        Assert.Equal(Tries + 1, broker.Sends.Count);
        var accepted = Assert.Single(BrokerSends.Enqueued(broker));
        Assert.Equal(messageId, accepted.MessageId);
        Assert.Equal("700002", accepted.Property("ExternalId"));
        Assert.Equal([messageId], broker.Sends.Select(send => send.Message.MessageId).Distinct());
        Assert.Equal("Published", await app.Ledger.StateAsync(messageId));
        Assert.False(await app.Ledger.HasPendingMarkerAsync(messageId));

        var again = await relay.RunOnceAsync(CancellationToken.None);
        Assert.Equal((0, 0), (again.Pending, again.Published));
        Assert.Equal(Tries + 1, broker.Sends.Count);
    }
}
