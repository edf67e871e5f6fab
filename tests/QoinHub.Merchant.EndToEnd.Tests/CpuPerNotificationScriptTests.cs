using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>
/// <c>scripts/cpu-per-notification.sh</c>: with its own Azurite and the published worker under the
/// project's Functions host, a short load prints every figure (the worker's and the host's) as a
/// line that scripts can grep, and nothing it started outlives it. No figure is asserted, only its form.
/// </summary>
public sealed class CpuPerNotificationScriptTests
{
    [Fact]
    public async Task A_short_load_prints_the_figures_and_leaves_nothing_running()
    {
        var (exitCode, output, left) = await MeasurementScript.RunAsync("cpu-per-notification.sh", ["--notifications", "60", "--warmup", "20", "--concurrency", "4", "--label", "e2e", "--threads"], TimeSpan.FromMinutes(5));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{output}");
        Assert.Matches(@"(?m)^rss-after-start e2e: \d+\.\d MB \(worker VmRSS once the host answered GET / with 200\)$", output);
        Assert.Matches(@"(?m)^host-rss-after-start e2e: \d+\.\d MB", output);
        Assert.Matches(@"(?m)^cpu-per-notification e2e: \d+\.\d{3} ms \(60 accepted of 60 sent, worker CPU \d+\.\d{2} s, \d+ notifications/s, concurrency 4\)$", output);
        Assert.Matches(@"(?m)^host-cpu e2e: \d+\.\d{3} ms per notification \(the Functions host, \d+\.\d{2} s\)$", output);
        Assert.Matches(@"(?m)^rss-after-load e2e: \d+\.\d MB \(worker, after 80 notifications: 20 warm-up \+ 60 measured\)$", output);
        Assert.Matches(@"(?m)^host-rss-after-load e2e: \d+\.\d MB", output);
        Assert.Matches(@"(?m)^throughput e2e: \d+\.\d notifications/s", output);
        Assert.Matches(@"(?m)^context-switches e2e: \d+\.\d per notification \(worker threads\)$", output);
        Assert.Matches(@"(?m)^azurite-cpu e2e: \d+\.\d{3} ms per notification", output);
        Assert.Matches(@"(?m)^load e2e:\s+200 2005600\s+60$", output);
        Assert.Matches(@"(?m)^threads e2e: \.NET TP Worker\s+x\d+", output);
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_bad_option_is_refused_before_anything_starts()
    {
        var (exitCode, output, left) = await MeasurementScript.RunAsync("cpu-per-notification.sh", ["--notifications", "0"], TimeSpan.FromSeconds(30), requirePublish: false);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("--notifications must be a positive whole number", output, StringComparison.Ordinal);
        Assert.Empty(left);
    }

    [Fact]
    public async Task A_directory_that_is_not_a_function_app_is_refused_naming_it()
    {
        var directory = Directory.CreateTempSubdirectory("cpu-per-notification-");
        try
        {
            var (exitCode, output, left) = await MeasurementScript.RunAsync("cpu-per-notification.sh", ["--app", directory.FullName], TimeSpan.FromSeconds(60), requirePublish: false);

            Assert.NotEqual(0, exitCode);
            Assert.Contains($"'{directory.FullName}' is not a function app: it has no worker.config.json", output, StringComparison.Ordinal);
            Assert.DoesNotContain("==> starting", output, StringComparison.Ordinal);
            Assert.Empty(left);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

/// <summary>
/// Runs a measurement script of <c>scripts/</c> (<see cref="ScriptProcess"/>) against the published
/// worker. The scripts start the Functions host and Azurite in process groups of their own, so what
/// is left is looked for in the script's whole session (setsid made the script its leader), not
/// only in its process group.
/// </summary>
internal static class MeasurementScript
{
    /// <param name="requirePublish">Whether the run measures the published worker (which must then be there), rather than stopping before it.</param>
    public static async Task<(int ExitCode, string Output, IReadOnlyList<string> Left)> RunAsync(string script, IEnumerable<string> arguments, TimeSpan timeout, bool requirePublish = true)
    {
        var repository = AzuriteServer.RepositoryRoot;
        var published = Path.Combine(repository, "artifacts", "publish", "QoinHub.Merchant.Functions.dll");
        Assert.True(!requirePublish || File.Exists(published), $"{published} is missing: the scripts measure the worker as published, so publish it first (scripts/publish.sh; scripts/test.sh does this before the tests).");

        using var process = ScriptProcess.Start(Path.Combine(repository, "scripts", script), repository, arguments);
        int exitCode;
        try
        {
            exitCode = await process.WaitForExitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.KillSession();
            throw;
        }

        var left = process.ProcessesLeftInSession();
        if (left.Count > 0)
        {
            process.KillSession();
        }

        return (exitCode, process.Output, left);
    }
}
