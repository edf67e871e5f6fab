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

    [Fact]
    public async Task Notify_shows_the_notification_it_sent_arriving_on_the_local_queue()
    {
        using var run = await LocalRun.StartAsync();

        var result = await run.SimulateAsync(
            TimeSpan.FromMinutes(1),
            "notify", "--external-id", "2025070600000042", "--status", "00",
            "--queue-connection-string", AzuriteServer.Instance.ConnectionString, "--queue-name", run.Queue.Name);

        Assert.True(result.ExitCode == 0, $"{result}\n--- app\n{run.App.Output}");
        Assert.Contains("\"responseCode\":\"2005600\"", result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains($"On queue {run.Queue.Name}:", result.StandardOutput, StringComparison.Ordinal);
        var envelope = Assert.Single(await run.Queue.DrainAsync());
        Assert.Equal(("dev-qoinhub", "2025070600000042"), ReportFile.IdsOf(envelope));
        Assert.Contains(envelope.GetProperty("messageId").GetString()!, result.StandardOutput, StringComparison.Ordinal);
    }
}
