using System.Diagnostics;
using System.Globalization;
using System.Text;
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

        var start = new ProcessStartInfo("setsid")
        {
            ArgumentList = { "bash", Path.Combine(repository, "scripts", "cpu-per-notification.sh") },
            WorkingDirectory = repository,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        var output = new StringBuilder();
        var gate = new Lock();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var group = process.Id;
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancellation.Token);
            process.WaitForExit();
        }
        catch (OperationCanceledException)
        {
            Kill(group);
            throw new TimeoutException($"cpu-per-notification.sh did not finish within {timeout.TotalSeconds:0} s:\n{Text()}");
        }

        var left = ProcessesIn(group);
        if (left.Count > 0)
        {
            Kill(group);
        }

        return (process.ExitCode, Text(), left);

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.AppendLine(line);
                }
            }
        }

        string Text()
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>Live processes of a process group (Linux: read from /proc).</summary>
    private static List<string> ProcessesIn(int group)
    {
        var found = new List<string>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && fields[2] == group.ToString(CultureInfo.InvariantCulture))
            {
                found.Add($"{pid} {stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')]}");
            }
        }

        return found;
    }

    private static void Kill(int group)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", "KILL", "--", "-" + group.ToString(CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        kill.WaitForExit();
    }
}
