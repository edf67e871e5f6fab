using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests;

public sealed class ConformanceEndToEndTests
{
    [Fact]
    public async Task Conformance_passes_against_the_app_and_each_accepted_notification_is_queued_exactly_once()
    {
        using var run = await LocalRun.StartAsync();
        var reportPath = run.PathInRun("conformance.json");
        var sensitivePath = run.PathInRun("sensitive.txt");

        var result = await run.SimulateAsync(
            TimeSpan.FromMinutes(3),
            "conformance",
            "--queue-connection-string", AzuriteServer.Instance.ConnectionString,
            "--queue-name", run.Queue.Name,
            "--report", reportPath,
            "--sensitive-out", sensitivePath);

        Assert.True(result.ExitCode == 0, $"{result}\n--- app\n{run.App.Output}");
        var report = ReportFile.Read(reportPath);
        var checks = ReportFile.Checks(report);
        Assert.True(checks.Count >= 25, $"only {checks.Count} checks ran");
        Assert.Empty(checks.Where(check => check.Outcome != "Passed").Select(check => $"{check.Name} {check.Outcome}: {check.Detail}"));
        Assert.Contains($"{checks.Count} checks: {checks.Count} passed, 0 failed, 0 skipped", result.StandardOutput, StringComparison.Ordinal);

        var accepted = ReportFile.Accepted(report);
        Assert.True(accepted.Count >= 10, $"only {accepted.Count} notifications were accepted");
        Assert.Equal(accepted.Count, accepted.Distinct().Count());
        var published = (await run.Queue.DrainAsync()).Select(ReportFile.IdsOf).ToList();
        Assert.Equal(accepted.Order(), published.Order());

        run.AssertAppOutputHoldsNone(sensitivePath, atLeast: 50);
    }
}
