using System.Globalization;
using System.Text.RegularExpressions;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

namespace QoinHub.Merchant.EndToEnd.Tests;

public sealed partial class LoadEndToEndTests
{
    [Fact]
    public async Task Load_reports_its_figures_and_the_queue_holds_each_distinct_notification_once()
    {
        // Tokens outlive the run: a request delayed past a 5 s token on a loaded machine is a 401 by design.
        using var run = await LocalRun.StartAsync(tokenLifetime: "00:05:00");
        var reportPath = run.PathInRun("load.json");
        var sensitivePath = run.PathInRun("sensitive.txt");

        var result = await run.SimulateAsync(
            TimeSpan.FromMinutes(3),
            "load", "--count", "200", "--concurrency", "8", "--duplicates", "10",
            "--report", reportPath, "--sensitive-out", sensitivePath);

        Assert.True(result.ExitCode == 0, $"{result}\n--- app\n{run.App.Output}");
        var output = result.StandardOutput;
        Assert.Matches(@"requests:\s+200 \(180 distinct, 20 duplicates\), concurrency 8", output);
        Assert.Matches(@"\n\s+200 2005600\s+200\r?\n", output);
        Assert.Matches(@"accepted:\s+180 distinct notifications", output);
        var throughput = Number(ThroughputLine().Match(output), "rate");
        Assert.True(throughput > 0, output);
        var latency = LatencyLine().Match(output);
        var (p50, p95, p99, max) = (Number(latency, "p50"), Number(latency, "p95"), Number(latency, "p99"), Number(latency, "max"));
        Assert.True(0 < p50 && p50 <= p95 && p95 <= p99 && p99 <= max, output);

        var accepted = ReportFile.Accepted(ReportFile.Read(reportPath));
        Assert.Equal(180, accepted.Count);
        var published = (await run.Queue.DrainAsync()).Select(ReportFile.IdsOf).ToList();
        Assert.Equal(accepted.Order(), published.Order());

        // At least 180 signatures (a duplicate resent within the same second has its original's
        // timestamp, token and body, so its signature too), a token and two client secrets.
        run.AssertAppOutputHoldsNone(sensitivePath, atLeast: 183);
    }

    private static double Number(Match match, string group)
    {
        Assert.True(match.Success, "the line was not printed");
        return double.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"throughput:\s+(?<rate>[0-9.]+) requests/s")]
    private static partial Regex ThroughputLine();

    [GeneratedRegex(@"latency:\s+p50 (?<p50>[0-9.]+) ms, p95 (?<p95>[0-9.]+) ms, p99 (?<p99>[0-9.]+) ms, max (?<max>[0-9.]+) ms")]
    private static partial Regex LatencyLine();
}
