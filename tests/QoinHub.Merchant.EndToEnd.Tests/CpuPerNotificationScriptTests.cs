using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>
/// <c>scripts/cpu-per-notification.sh</c>: with its own Azurite and the Release build of the app,
/// a short load prints every figure as a line that scripts can grep, and nothing it started outlives it.
/// </summary>
public sealed class CpuPerNotificationScriptTests
{
    [Fact]
    public async Task A_short_load_prints_the_figures_and_leaves_nothing_running()
    {
        var (exitCode, output, left) = await RunAsync(["--notifications", "60", "--warmup", "20", "--concurrency", "4", "--label", "e2e", "--threads"], TimeSpan.FromMinutes(5));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Matches(@"(?m)^cpu-per-notification e2e: \d+\.\d{3} ms \(60 accepted of 60 sent, app CPU \d+\.\d{2} s, \d+ notifications/s, concurrency 4\)$", output);
        Assert.Matches(@"(?m)^rss-after-start e2e: \d+\.\d MB", output);
        Assert.Matches(@"(?m)^rss-after-load e2e: \d+\.\d MB \(after 80 notifications: 20 warm-up \+ 60 measured\)$", output);
        Assert.Matches(@"(?m)^throughput e2e: \d+\.\d notifications/s", output);
        Assert.Matches(@"(?m)^context-switches e2e: \d+\.\d per notification", output);
        Assert.Matches(@"(?m)^azurite-cpu e2e: \d+\.\d{3} ms per notification", output);
        Assert.Matches(@"(?m)^load e2e:\s+200 2005600\s+60$", output);
        Assert.Matches(@"(?m)^threads e2e: \.NET TP Worker\s+x\d+", output);
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_bad_option_is_refused_before_anything_starts()
    {
        var (exitCode, output, left) = await RunAsync(["--notifications", "0"], TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--notifications must be a positive whole number", output, StringComparison.Ordinal);
        Assert.Empty(left);
    }

    /// <summary>Runs the script in a process group of its own; returns its exit code, its output and what of its group is still alive.</summary>
    private static async Task<(int ExitCode, string Output, IReadOnlyList<string> Left)> RunAsync(IEnumerable<string> arguments, TimeSpan timeout)
    {
        var repository = AzuriteServer.RepositoryRoot;
        var built = Path.Combine(repository, "src", "Functions", "bin", "Release", "net10.0", "QoinHub.Merchant.Functions.dll");
        Assert.True(File.Exists(built), $"{built} is missing: the script measures the Release build, so run these tests with -c Release (scripts/test.sh does).");

        using var script = ScriptProcess.Start(Path.Combine(repository, "scripts", "cpu-per-notification.sh"), repository, arguments);
        int exitCode;
        try
        {
            exitCode = await script.WaitForExitAsync(timeout);
        }
        catch (TimeoutException)
        {
            script.KillGroup();
            throw;
        }

        var left = script.ProcessesLeft();
        if (left.Count > 0)
        {
            script.KillGroup();
        }

        return (exitCode, script.Output, left);
    }
}
