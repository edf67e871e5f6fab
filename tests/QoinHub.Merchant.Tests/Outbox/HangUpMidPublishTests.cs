using System.Security.Cryptography;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// QoinHub hangs up while the app is publishing (its own time-out, a dropped connection). The
/// publish already in flight must run to its end rather than be cancelled with the request: then
/// the broker holds the message once, the record says so, and QoinHub's retry is answered 2005600
/// without a second send.
/// </summary>
public sealed class HangUpMidPublishTests : IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private static readonly string Secret = Fixtures.Vectors.ClientSecret;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private ServiceBusStandIn _broker = null!;
    private LoopbackBrokerAppFactory _app = null!;
    private SnapClient _client = null!;

    public Task InitializeAsync()
    {
        _broker = ServiceBusStandIn.Start(null, LoopbackBrokerAppFactory.Queue);

        // Longer than the broker is held here, so a held send is one send, not a time-out and a retry.
        _app = new LoopbackBrokerAppFactory(_broker, TimeSpan.FromSeconds(30));

        // The host's front door is Kestrel on loopback: a hang-up is a closed connection, as QoinHub's would be.
        _client = new SnapClient(_app.CreateClient(), _app.Clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task Hang_up_mid_publish_lets_the_publish_finish_and_the_retry_is_answered_success_without_a_second_send()
    {
        var token = await _client.GetTokenAsync(_key, Partner);
        var body = SnapClient.NotificationBody("T-hang-up");
        var messageId = NotificationEnvelope.MessageIdFor(Partner, "T-hang-up", "00");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = StandInFault.Hold(release.Task);
        _broker.Script(held);

        using (var hangUp = new CancellationTokenSource())
        using (var request = _client.NotifyRequest(token, Secret, Partner, "710001", body))
        {
            var first = _client.Http.SendAsync(request, hangUp.Token);
            await held.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await hangUp.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        // QoinHub has gone; the broker now answers the send it is holding.
        release.SetResult();
        await Until.TrueAsync(async () => await _app.Ledger.StateAsync(messageId) == "Published" || _broker.Sends.Count > 0, TimeSpan.FromSeconds(15), "the held send to end");
        var sent = Assert.Single(_broker.Sends);
        Assert.True(sent.Outcome == SendOutcome.Accepted, $"The publish in flight ended {sent.Outcome}: it was cancelled with the request that started it, so the broker never took it.");
        await Until.TrueAsync(async () => await _app.Ledger.StateAsync(messageId) == "Published", TimeSpan.FromSeconds(15), "the record to be marked published");
        Assert.Equal("Published", await _app.Ledger.StateAsync(messageId));

        _app.Clock.Advance(TimeSpan.FromSeconds(30));
        using (var retry = _client.NotifyRequest(token, Secret, Partner, "710001", body))
        using (var response = await _client.Http.SendAsync(retry))
        {
            Assert.Equal((200, "2005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        Assert.Single(_broker.Sends);
        Assert.Equal(messageId, Assert.Single(_broker.Queue(LoopbackBrokerAppFactory.Queue).Active).MessageId);
    }
}
