using System.Diagnostics;
using System.Globalization;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>
/// The project's Functions host and the worker process it runs: started as the real host starts a
/// worker, and the two end together whichever stops first (docs/functions-host.md).
/// </summary>
public sealed class FunctionsHostProcessTests
{
    [Fact]
    public async Task The_worker_is_started_with_the_hosts_arguments_and_the_app_directory()
    {
        using var run = await LocalRun.StartAsync();
        var worker = WorkerOf(run.App);

        var arguments = File.ReadAllText($"/proc/{worker}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("QoinHub.Merchant.Functions.dll", arguments[1], StringComparison.Ordinal);
        Assert.StartsWith("http://127.0.0.1:", ValueOf(arguments, "--functions-uri"), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(ValueOf(arguments, "--functions-worker-id"), out _));
        Assert.True(Guid.TryParse(ValueOf(arguments, "--functions-request-id"), out _));
        Assert.Equal(int.MaxValue.ToString(CultureInfo.InvariantCulture), ValueOf(arguments, "--functions-grpc-max-message-length"));

        var environment = File.ReadAllText($"/proc/{worker}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("FUNCTIONS_APPLICATION_DIRECTORY=" + BuildOutput.PublishedApp, environment);
        Assert.Contains("FUNCTIONS_WORKER_DIRECTORY=" + BuildOutput.PublishedApp, environment);
        Assert.Contains(environment, variable => variable.StartsWith("LocalQueue__Name=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_the_worker_dies_the_host_stops_with_a_non_zero_code()
    {
        using var run = await LocalRun.StartAsync();
        var worker = WorkerOf(run.App);

        using (var kill = Process.Start("kill", ["-KILL", worker.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var exitCode = await run.App.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, exitCode);
        Assert.Contains("[host] The worker exited with code", run.App.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_the_host_is_stopped_it_stops_the_worker_first()
    {
        using var run = await LocalRun.StartAsync();
        var worker = WorkerOf(run.App);

        using (var terminate = Process.Start("kill", ["-TERM", run.App.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await terminate.WaitForExitAsync();
        }

        await run.App.Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
        Assert.False(IsRunning(worker), "The worker outlived its host.");
    }

    /// <summary>The one child process of the app's host: its worker (Linux: read from /proc).</summary>
    private static int WorkerOf(MerchantApp app)
    {
        var host = app.Process.Id.ToString(CultureInfo.InvariantCulture);
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                if (stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1] == host)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // Ended meanwhile.
            }
        }

        return Assert.Single(children);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string ValueOf(string[] arguments, string option)
    {
        var at = Array.IndexOf(arguments, option);
        Assert.True(at >= 0 && at + 1 < arguments.Length, $"{option} is missing from: {string.Join(' ', arguments)}");
        return arguments[at + 1];
    }
}
