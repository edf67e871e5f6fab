using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Durability;

/// <summary>
/// The app process killed after it recorded a notification and while its publish hangs: nothing
/// answered QoinHub, nothing reached the queue. The record survives the process, and the relay
/// of the restarted app publishes it, exactly once.
/// </summary>
public sealed class KilledMidPublishTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Notification_recorded_by_a_process_killed_mid_publish_is_published_once_by_the_restarted_app()
    {
        using var credentials = await DevCredentials.CreateAsync();
        var azurite = AzuriteServer.Instance.ConnectionString;
        await using var queuePath = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "QueueEndpoint")) { IsBlackHole = true };
        var queue = LocalQueue.CreateUnique();
        var suffix = Guid.NewGuid().ToString("N")[..12];
        var ledger = new LedgerRows("e2enotifications" + suffix);
        var settings = new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
        {
            // Tables straight to Azurite, the queue through the proxy.
            ["Storage__ConnectionString"] = TcpOutageProxy.Reroute(azurite, "QueueEndpoint", queuePath.Port),
            ["Storage__TokenTable"] = "e2etokens" + suffix,
            ["Storage__NotificationTable"] = ledger.TableName,
            ["LocalQueue__Name"] = queue.Name,
            ["Outbox__RelayAfter"] = "00:00:03",
            ["OutboxRelaySchedule"] = "* * * * * *",
            ["Outbox__ClaimLease"] = "00:00:05",

            // The call must still be unanswered when the process is killed mid-publish.
            ["Snap__CallDeadline"] = "00:01:00",
        };
        const string Reference = "T-e2e-killed";
        const string ExternalId = "2025070600000077";

        var first = await MerchantApp.StartAsync(settings);
        using var caller = new SignedCaller(credentials, first.BaseUrl);
        var messageId = NotificationEnvelope.MessageIdFor(caller.ClientId, Reference, "00");
        Task<int> unanswered;
        try
        {
            var token = await caller.GetTokenAsync();
            unanswered = caller.NotifyAsync(token, ExternalId, SignedCaller.NotificationBody(Reference), CancellationToken.None);

            // Recorded, and its publish hangs on the black-holed queue.
            await WaitUntilAsync(async () => await ledger.StateAsync(messageId) is not null, "the record to be stored", first);
            Assert.Equal("Received", await ledger.StateAsync(messageId));
            Assert.False(unanswered.IsCompleted, "QoinHub was answered although the publish cannot have finished.");
        }
        finally
        {
            // Kills the host and the worker (SIGKILL): no shutdown, no release of the claim.
            first.Dispose();
        }

        await Assert.ThrowsAnyAsync<HttpRequestException>(() => unanswered);
        Assert.Equal(("Received", true), (await ledger.StateAsync(messageId), await ledger.HasPendingMarkerAsync(messageId)));

        queuePath.IsBlackHole = false;
        using var second = await MerchantApp.StartAsync(settings);
        await WaitUntilAsync(async () => await ledger.StateAsync(messageId) == "Published", "the restarted app's relay to publish it", second);

        Assert.False(await ledger.HasPendingMarkerAsync(messageId));
        var message = Assert.Single(await queue.DrainAsync());
        Assert.Equal((messageId, ExternalId), (message.GetProperty("messageId").GetString(), message.GetProperty("externalId").GetString()));
        Assert.Contains("Relay published " + messageId, second.Output, StringComparison.Ordinal);

        // Two more relay intervals: the published record is not relayed again.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Empty(await queue.DrainAsync());
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, MerchantApp app)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Gave up waiting for {what} after {Deadline.TotalSeconds:0} s. App output:\n{app.Output}");
            await Task.Delay(100);
        }
    }
}
