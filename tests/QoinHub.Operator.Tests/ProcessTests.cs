using System.Diagnostics;
using System.Text.Json;
using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

/// <summary>The built tool as operators run it: <c>dotnet QoinHub.Operator.dll</c>, settings from the process environment.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly OperatorTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task The_built_tool_reads_the_apps_settings_from_the_environment()
    {
        var seeded = await _bed.SeedAsync("1001", "T1001");

        var run = await RunProcessAsync("show", "--external-id", "1001", "--partner", OperatorTestBed.Partner, "--day", seeded.Day, "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Out);
        var found = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal(seeded.MessageId, found.GetProperty("messageId").GetString());
        Assert.Equal("Published", found.GetProperty("state").GetString());
    }

    [Fact]
    public async Task The_built_tool_answers_help_with_its_commands_and_a_usage_error_with_exit_2()
    {
        var help = await RunProcessAsync("--help");
        var usage = await RunProcessAsync("show");

        Assert.True(help.ExitCode == 0, help.ToString());
        foreach (var command in new[] { "list", "show", "republish", "relay", "retention" })
        {
            Assert.Contains(command, help.Out, StringComparison.Ordinal);
        }

        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("Name the notification one way", usage.Error, StringComparison.Ordinal);
    }

    private async Task<ToolRun> RunProcessAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "QoinHub.Operator.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var inherited in start.Environment.Keys.Where(key => key.StartsWith("Storage__", StringComparison.Ordinal) || key.StartsWith("ServiceBus__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach (var (key, value) in _bed.Environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new ToolRun(process.ExitCode, await output, await error);
    }
}
