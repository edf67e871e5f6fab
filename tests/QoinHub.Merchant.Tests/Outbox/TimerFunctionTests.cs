using System.Net;
using System.Security.Cryptography;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// The timer functions as the Functions host invokes them: an invocation over gRPC with the timer's
/// status, succeeding when the job did its work and failing (so the host records a failed
/// invocation) when it could not; and, as with <c>func start</c>, run now by
/// <c>POST /admin/functions/{name}</c>.
/// </summary>
public sealed class TimerFunctionTests : IAsyncLifetime, IDisposable
{
    private static readonly string Partner = Fixtures.Vectors.ClientId;
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly ProxiedStorageAppFactory _app = new();
    private SnapClient _client = null!;

    public Task InitializeAsync()
    {
        _client = new SnapClient(_app.CreateClient(), _app.Clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task OutboxRelay_invocation_relays_a_due_record_and_succeeds()
    {
        var messageId = await RecordUnpublishedAsync("T-timer-relay", "750001");
        _app.Clock.Advance(TimeSpan.FromMinutes(3));

        var result = await _app.Host.InvokeAsync("OutboxRelay");

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Id.Id == LogEvents.TimerFunctionRan && log.Message.StartsWith("relay: 1 pending past the relay age, 1 published, 0 failed", StringComparison.Ordinal));
        var message = Assert.Single(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, _app.QueueName));
        Assert.Equal(messageId, message.GetProperty("messageId").GetString());
        Assert.Equal("Published", await _app.Ledger.StateAsync(messageId));
    }

    [Fact]
    public async Task Retention_invocation_succeeds_and_logs_its_run()
    {
        var result = await _app.Host.InvokeAsync("Retention");

        Assert.True(result.Succeeded, result.Error);
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Id.Id == LogEvents.TimerFunctionRan && log.Message.StartsWith("retention: deleted 0 token rows", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("OutboxRelay")]
    [InlineData("Retention")]
    public async Task Invocation_while_the_tables_are_unreachable_fails_and_the_next_one_succeeds(string function)
    {
        // The tables exist and the app has used them, so only the outage can fail the invocation.
        await _client.GetTokenAsync(_key, Partner);
        Assert.True((await _app.Host.InvokeAsync(function)).Succeeded);

        _app.Tables.IsUp = false;
        var failed = await _app.Host.InvokeAsync(function);
        Assert.False(failed.Succeeded);
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Id.Id == LogEvents.TimerFunctionFailed && log.Message.Contains(function + " failed", StringComparison.Ordinal));

        _app.Tables.IsUp = true;
        Assert.True((await _app.Host.InvokeAsync(function)).Succeeded);
    }

    [Fact]
    public async Task Admin_endpoint_runs_the_relay_now_as_func_start_does()
    {
        var messageId = await RecordUnpublishedAsync("T-timer-admin", "750002");
        _app.Clock.Advance(TimeSpan.FromMinutes(3));

        using var content = new StringContent("{\"input\":\"\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await _client.Http.PostAsync(new Uri("/admin/functions/OutboxRelay", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Until.TrueAsync(async () => await _app.Ledger.StateAsync(messageId) == "Published", TimeSpan.FromSeconds(60), "the relay run by the admin endpoint to publish the record");
        Assert.Single(await QueueReader.DrainAsync(ProxiedStorageAppFactory.DirectConnectionString, _app.QueueName));
    }

    /// <summary>A notification accepted while the queue is down: recorded, answered 5005600, left for the relay.</summary>
    private async Task<string> RecordUnpublishedAsync(string reference, string externalId)
    {
        var token = await _client.GetTokenAsync(_key, Partner);
        _app.Queues.IsUp = false;
        using (var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Partner, externalId, SnapClient.NotificationBody(reference)))
        using (var response = await _client.Http.SendAsync(request))
        {
            Assert.Equal("5005600", (await SnapClient.ReadAsync(response)).Code);
        }

        _app.Queues.IsUp = true;
        return NotificationEnvelope.MessageIdFor(Partner, reference, "00");
    }
}
