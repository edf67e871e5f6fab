using System.Diagnostics;
using System.Globalization;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;
using Xunit.Abstractions;

namespace QoinHub.Merchant.EndToEnd.Tests.Durability;

/// <summary>
/// A dependency that accepts connections and never answers (a black-holed TCP proxy in front of
/// Azurite): each call is answered 5xx once <c>Snap__CallDeadline</c> has passed, not after the
/// storage SDK's tries and time-outs (three tries of 10 s, 30.7 s measured). A notification
/// recorded before the hang is published by the relay once the dependency is back.
/// </summary>
public sealed class CallDeadlineTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    /// <summary>The deadline plus room for a loaded machine; the SDK's own give-up time is 30 s.</summary>
    private static readonly TimeSpan AnswerBound = Deadline + TimeSpan.FromSeconds(12);

    [Fact]
    public async Task Hung_table_storage_is_answered_5xx_at_the_call_deadline_for_both_calls()
    {
        using var credentials = await DevCredentials.CreateAsync();
        var azurite = AzuriteServer.Instance.ConnectionString;
        await using var tables = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "TableEndpoint"));
        using var app = await MerchantApp.StartAsync(Settings(credentials, TcpOutageProxy.Reroute(azurite, "TableEndpoint", tables.Port)));
        using var caller = new SignedCaller(credentials, app.BaseUrl);
        var token = await caller.GetTokenAsync();

        Hang(tables);
        var (tokenStatus, tokenTime) = await TimeAsync(() => caller.TokenStatusAsync());
        var (notifyStatus, notifyTime) = await TimeAsync(() => caller.NotifyAsync(token, "2025070600000301", SignedCaller.NotificationBody("T-deadline-tables"), CancellationToken.None));
        Report("Table Storage hung", tokenTime, notifyTime);

        Assert.Equal((500, 500), (tokenStatus, notifyStatus));
        Assert.True(tokenTime < AnswerBound && notifyTime < AnswerBound, $"answered after {tokenTime.TotalSeconds:0.0} s and {notifyTime.TotalSeconds:0.0} s\n{app.Output}");
        await app.WaitForOutputAsync("took longer than its deadline (3000 ms, Snap__CallDeadline)", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Hung_queue_is_answered_5xx_at_the_call_deadline_and_the_relay_publishes_the_record_later()
    {
        using var credentials = await DevCredentials.CreateAsync();
        var azurite = AzuriteServer.Instance.ConnectionString;
        await using var queues = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "QueueEndpoint"));
        var queue = LocalQueue.CreateUnique();
        var ledger = new LedgerRows("e2edeadline" + Guid.NewGuid().ToString("N")[..12]);
        var settings = Settings(credentials, TcpOutageProxy.Reroute(azurite, "QueueEndpoint", queues.Port));
        settings["LocalQueue__Name"] = queue.Name;
        settings["Storage__NotificationTable"] = ledger.TableName;
        settings["Outbox__RelayAfter"] = "00:00:03";
        settings["OutboxRelaySchedule"] = "*/2 * * * * *";
        settings["Outbox__ClaimLease"] = "00:00:05";
        using var app = await MerchantApp.StartAsync(settings);
        using var caller = new SignedCaller(credentials, app.BaseUrl);
        var token = await caller.GetTokenAsync();

        Hang(queues);
        var (status, time) = await TimeAsync(() => caller.NotifyAsync(token, "2025070600000302", SignedCaller.NotificationBody("T-deadline-queue"), CancellationToken.None));
        Report("queue hung", null, time);

        Assert.Equal(500, status);
        Assert.True(time < AnswerBound, $"answered after {time.TotalSeconds:0.0} s\n{app.Output}");
        var messageId = NotificationEnvelope.MessageIdFor(caller.ClientId, "T-deadline-queue", "00");
        Assert.Equal("Received", await ledger.StateAsync(messageId));

        queues.IsBlackHole = false;
        var published = Stopwatch.StartNew();
        while (await ledger.StateAsync(messageId) != "Published" && published.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(200);
        }

        Assert.Equal("Published", await ledger.StateAsync(messageId));
    }

    private static Dictionary<string, string> Settings(DevCredentials credentials, string storage)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = storage,
            ["Storage__TokenTable"] = "e2edeadlinetokens" + suffix,
            ["Storage__NotificationTable"] = "e2edeadlineledger" + suffix,
            ["LocalQueue__Name"] = "e2e-deadline-" + suffix,
            ["Snap__CallDeadline"] = Deadline.ToString("c", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Open connections cut, new ones accepted and never answered.</summary>
    private static void Hang(TcpOutageProxy proxy)
    {
        proxy.IsBlackHole = true;
        proxy.IsUp = false;
        proxy.IsUp = true;
    }

    private static async Task<(int Status, TimeSpan Time)> TimeAsync(Func<Task<int>> call)
    {
        var watch = Stopwatch.StartNew();
        var status = await call();
        return (status, watch.Elapsed);
    }

    private void Report(string what, TimeSpan? token, TimeSpan notify)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{what}, Snap__CallDeadline {Deadline.TotalSeconds:0} s: token answered after {(token is { } t ? $"{t.TotalSeconds:0.0} s" : "-")}, notification after {notify.TotalSeconds:0.0} s");
        output.WriteLine(line);
        Console.WriteLine(line);
    }
}
