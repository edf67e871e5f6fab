using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing.ServiceBus;
using Xunit.Abstractions;

namespace QoinHub.Merchant.Tests.Outbox.PropertyBased;

/// <summary>
/// Property: whatever the interleaving of first deliveries, retries, replays, relay runs, broker
/// failures (503s, hangs), lost answers, hang-ups and crashes between claim and publish, once the
/// clock has passed every lease and the relay has drained, every verified notification (its claim
/// was stored) has been accepted by the broker, every accepted body is the stored message, the
/// ledger holds no pending record, and a broker with duplicate detection enqueued each id once.
/// Scenarios come from a seed printed in the output: <c>OUTBOX_PROPERTY_SEED</c> replays a whole
/// run, <c>OUTBOX_PROPERTY_SCENARIO</c> one scenario, <c>OUTBOX_PROPERTY_SCENARIOS</c> sets how many.
/// </summary>
public sealed class OutboxStateMachinePropertyTests(ITestOutputHelper output)
{
    private const int DefaultScenarios = 32;

    [Fact]
    public async Task Every_verified_notification_ends_published_once_whatever_the_interleaving()
    {
        var seed = EnvironmentNumber("OUTBOX_PROPERTY_SEED") ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        var single = EnvironmentNumber("OUTBOX_PROPERTY_SCENARIO");
        var count = EnvironmentNumber("OUTBOX_PROPERTY_SCENARIOS") ?? DefaultScenarios;
        var master = new Random(seed);
        var scenarioSeeds = single is { } one ? [one] : Enumerable.Range(0, count).Select(_ => master.Next()).ToArray();
        Report(single is null
            ? $"Outbox property run: seed {seed} (OUTBOX_PROPERTY_SEED={seed} replays it), {scenarioSeeds.Length} scenarios"
            : $"Outbox property run: scenario {single} only");

        var tally = new OutboxTally();
        var watch = Stopwatch.StartNew();
        await using var broker = ServiceBusStandIn.Start(null, OutboxScenarioRunner.Queue);
        broker.DuplicateDetectionWindow = TimeSpan.FromMinutes(10);
        await using var publisher = OutboxScenarioRunner.CreatePublisher(broker);

        // The first sends pay for the connection, its token and JIT, longer than a try may take: not inside a scenario.
        for (var warm = false; !warm;)
        {
            try
            {
                await publisher.PublishAsync(OutboxScenarioRunner.WarmUpMessage, CancellationToken.None);
                warm = true;
            }
            catch (NotificationPublishException) when (watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                // Timed out while warming up; again.
            }
        }
        foreach (var scenarioSeed in scenarioSeeds)
        {
            var scenario = OutboxScenario.Generate(scenarioSeed, OutboxScenarioRunner.Timing);
            var result = await new OutboxScenarioRunner(scenario, tally, broker, publisher).RunAsync();
            OutboxTally.Add(ref tally.Scenarios);
            OutboxTally.Add(ref tally.Operations, scenario.Operations);
            if (result.Broken.Count > 0)
            {
                var failure = new StringBuilder()
                    .AppendLine(CultureInfo.InvariantCulture, $"Run seed {seed}; failing scenario seed {scenarioSeed} (OUTBOX_PROPERTY_SCENARIO={scenarioSeed} replays it).")
                    .AppendLine("Broken:").AppendLine(string.Join('\n', result.Broken.Select(line => "  " + line)))
                    .AppendLine(scenario.ToString())
                    .AppendLine("What happened:").AppendLine(string.Join('\n', result.Log.Select(line => "  " + line)))
                    .ToString();
                Report(failure);
                Assert.Fail(failure);
            }
        }

        Report(string.Create(CultureInfo.InvariantCulture,
            $"Outbox property run (seed {seed}): {tally.Scenarios} scenarios, {tally.Operations} operations in {watch.Elapsed.TotalSeconds:0.0} s; " +
            $"{tally.Records} facts recorded; deliveries: {tally.Outcomes}; {tally.RelayRuns} relay runs in scenarios, {tally.DrainRuns} in drains; " +
            $"broker: {tally.BrokerFailuresScripted} failures scripted, {tally.RawSends} sends, {tally.AcceptedSends} accepted, " +
            $"{tally.Enqueued} enqueued, {tally.DuplicatesDropped} duplicates dropped by duplicate detection"));
        Assert.True(tally.Records > 0 && tally.Enqueued == tally.Records, "the run recorded nothing, or enqueued other than what it recorded");
    }

    private void Report(string line)
    {
        output.WriteLine(line);
        Console.WriteLine(line);
    }

    private static int? EnvironmentNumber(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
