using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Testing.ServiceBus;
using Xunit.Abstractions;

namespace QoinHub.Merchant.EndToEnd.Tests.Chaos;

/// <summary>
/// The app as a process (standalone, so it runs the outbox relay itself: relay after 5 s, every
/// 2 s, 10 s claims) under the simulator's load for a minute at concurrency 8, while its storage
/// (tables) and its queue (the Storage queue, or the AMQP Service Bus stand-in with duplicate
/// detection, reached through the Azure.Messaging.ServiceBus SDK) are taken down and brought back
/// at random through loopback TCP proxies, or the broker answers server-busy, internal errors, or
/// accepts messages and drops the connection before the sender hears so. QoinHub's side retries a
/// 5xx with the same X-EXTERNAL-ID a random 0-3 times, so some failures are never retried. Once
/// everything is back and the relay has drained the ledger: every notification answered 2xx, and
/// every one the ledger recorded (including those answered 5xx and never retried), is on the queue;
/// nothing else is; the Service Bus queue holds each message id once (the report says how many
/// duplicates a queue without duplicate detection would have held), the Storage queue at least once.
/// <c>CHAOS_SEED</c> repeats a run's outage schedule and retry draws; <c>CHAOS_DURATION</c> (seconds) changes its length.
/// </summary>
public sealed partial class ChaosEndToEndTests(ITestOutputHelper output)
{
    private const string ServiceBusQueue = "payment-notifications";
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(60);

    public enum Outlet
    {
        StorageQueue,
        ServiceBus,
    }

    [Theory]
    [InlineData(Outlet.StorageQueue)]
    [InlineData(Outlet.ServiceBus)]
    public async Task Every_accepted_or_recorded_notification_reaches_the_queue_through_outages(Outlet queue)
    {
        var seed = EnvironmentNumber("CHAOS_SEED") ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        var duration = EnvironmentNumber("CHAOS_DURATION") ?? 60;
        Report($"Chaos run ({queue}): seed {seed} (CHAOS_SEED={seed} repeats it), load for {duration} s at concurrency 8");

        var suffix = Guid.NewGuid().ToString("N")[..12];
        var ledgerTable = "chaosledger" + suffix;
        var queueName = "chaos-" + suffix;
        var azurite = AzuriteServer.Instance.ConnectionString;
        await using var tables = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "TableEndpoint"));
        await using var queues = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "QueueEndpoint"));
        await using var broker = queue == Outlet.ServiceBus ? ServiceBusStandIn.Start(null, ServiceBusQueue) : null;
        if (broker is not null)
        {
            // As the template configures the queue: duplicate detection over the whole run (a day in Azure).
            broker.DuplicateDetectionWindow = TimeSpan.FromHours(1);
        }

        await using var brokerLine = broker is null ? null : new TcpOutageProxy(broker.Port);
        using var credentials = await DevCredentials.CreateAsync();

        var settings = new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = TcpOutageProxy.Reroute(TcpOutageProxy.Reroute(azurite, "TableEndpoint", tables.Port), "QueueEndpoint", queues.Port),
            ["Storage__TokenTable"] = "chaostokens" + suffix,
            ["Storage__NotificationTable"] = ledgerTable,
            ["LocalQueue__Name"] = queueName,
            ["Snap__TokenLifetime"] = "00:01:00",
            ["Outbox__RelayAfter"] = "00:00:05",
            ["OutboxRelaySchedule"] = "*/2 * * * * *",
            ["Outbox__ClaimLease"] = "00:00:10",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (brokerLine is not null)
        {
            settings["ServiceBus__ConnectionString"] = broker!.ConnectionStringThrough(brokerLine.Port);
            settings["ServiceBus__QueueName"] = ServiceBusQueue;
        }

        using var app = await MerchantApp.StartAsync(settings);
        var notificationsPath = Path.Combine(credentials.Root, "notifications.jsonl");
        var targets = new List<OutageTarget> { new("tables", ["tables unreachable"], _ => tables.IsUp = false, () => tables.IsUp = true) };
        targets.Add(broker is null
            ? new OutageTarget("queue", ["queue unreachable"], _ => queues.IsUp = false, () => queues.IsUp = true)
            : new OutageTarget(
                "broker",
                ["broker unreachable", "broker server-busy", "broker internal errors", "broker losing answers"],
                way =>
                {
                    // Unreachable; rejecting every send; or enqueuing them and dropping the connection before the answer.
                    brokerLine!.IsUp = way != 0;
                    broker.EveryDelivery = way switch
                    {
                        1 => StandInFault.ServerBusy,
                        2 => StandInFault.InternalError,
                        3 => StandInFault.AcceptThenDrop,
                        _ => null,
                    };
                },
                () =>
                {
                    broker.EveryDelivery = null;
                    brokerLine!.IsUp = true;
                }));
        var schedule = new OutageSchedule(seed, targets);

        var watch = Stopwatch.StartNew();
        using var stopOutages = new CancellationTokenSource();
        var outages = schedule.RunAsync(stopOutages.Token);
        SimulatorRun load;
        try
        {
            load = await SimulatorCli.RunAsync(
                credentials.Root,
                TimeSpan.FromSeconds(duration + 120),
                "load", "--duration", duration.ToString(CultureInfo.InvariantCulture) + "s", "--concurrency", "8", "--duplicates", "5",
                "--retries", "3", "--retry-delay", "1s", "--seed", seed.ToString(CultureInfo.InvariantCulture),
                "--timeout", "30s", "--notifications-out", notificationsPath, "--base-url", app.BaseUrl.ToString());
        }
        finally
        {
            await stopOutages.CancelAsync();
            await outages;
        }

        var loadTime = watch.Elapsed;
        Report(load.StandardOutput.TrimEnd());
        Assert.True(load.ExitCode is 0 or 1, $"The load did not run: {load}\n--- app\n{Tail(app.Output)}");

        // Everything is back: the relay publishes what no request published.
        var ledger = new LedgerTable(ledgerTable);
        var drained = Stopwatch.StartNew();
        int pending;
        while ((pending = await ledger.CountPendingMarkersAsync()) > 0 && drained.Elapsed < DrainLimit)
        {
            await Task.Delay(500);
        }

        var drainTime = drained.Elapsed;
        var sent = SentNotification.ReadAll(notificationsPath);
        var records = await ledger.RecordsAsync();
        List<QueuedMessage> messages = broker is null
            ? [.. (await QueueContents.ReadAsync(queueName)).Select(QueuedMessage.From)]
            : [.. broker.Queue(ServiceBusQueue).Enqueued.Select(message => QueuedMessage.From(message.Body))];

        var figures = new ChaosFigures(sent, records, messages, RelayPublished().Count(app.Output));
        var summary = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"Chaos run ({queue}, seed {seed}): load {loadTime.TotalSeconds:0} s, drained in {drainTime.TotalSeconds:0.0} s; {schedule.Describe()}")
            .AppendLine(figures.Describe());
        var brokerFigures = broker is null ? null : BrokerFigures.Of(broker, ServiceBusQueue);
        if (brokerFigures is not null)
        {
            summary.AppendLine(brokerFigures.Describe());
        }

        Report(summary.ToString().TrimEnd());

        var broken = figures.Broken(pending);
        Assert.True(schedule.OutagesOf("tables") > 0 && figures.FailedAnswers > 0, "The outages did nothing: no dependency went down or no request failed.");
        if (brokerFigures is not null)
        {
            if (brokerFigures.DuplicatesAfterDetection > 0)
            {
                broken.Add($"the queue holds {brokerFigures.DuplicatesAfterDetection} message ids twice despite duplicate detection");
            }

            if (broker!.UnauthorizedAttaches > 0 || broker.TokenRequests.Any(request => request.StatusCode != 200))
            {
                broken.Add($"{broker.UnauthorizedAttaches} links attached without an accepted token");
            }
        }

        Assert.True(broken.Count == 0, string.Join('\n', broken) + "\n--- app (end)\n" + Tail(app.Output));
    }

    private void Report(string text)
    {
        output.WriteLine(text);
        Console.WriteLine(text);
    }

    private static string Tail(string text) => text.Length <= 8000 ? text : "…" + text[^8000..];

    private static int? EnvironmentNumber(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;

    [GeneratedRegex("Relay published ")]
    private static partial Regex RelayPublished();
}
