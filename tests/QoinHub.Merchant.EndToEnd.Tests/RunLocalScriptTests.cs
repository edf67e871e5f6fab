using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>
/// <c>scripts/run-local.sh</c>, the first thing a developer runs: a taken port is named with the
/// variable that moves it, and on other ports than the defaults everything it prints still works.
/// </summary>
public sealed partial class RunLocalScriptTests
{
    private const string SimulatorCommand = "dotnet tools/QoinHub.Simulator/bin/Release/net10.0/QoinHub.Simulator.dll";

    [Theory]
    [InlineData("AZURITE_TABLE_PORT")]
    [InlineData("AZURITE_BLOB_PORT")]
    [InlineData("PORT")]
    public async Task A_port_taken_by_another_program_stops_the_script_naming_the_port_and_its_variable(string variable)
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var ports = RunLocalScript.FreePorts();
        ports[variable] = taken;
        using var script = RunLocalScript.Start(ports);

        var exitCode = await script.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode != 0, $"exit code 0 with port {taken} taken:\n{script.Output}");
        Assert.Contains($"port {taken} ({variable}", script.Output, StringComparison.Ordinal);
        Assert.Matches($@"\n\s+{variable}=\d+ \./scripts/run-local\.sh", script.Output);
        Assert.Empty(script.ProcessesLeft());
        Assert.DoesNotContain(ports.Where(port => port.Key != variable), port => RunLocalScript.Listening(port.Value));
    }

    [Fact]
    public async Task On_other_ports_the_app_answers_and_the_printed_commands_reach_it_and_its_queue()
    {
        var ports = RunLocalScript.FreePorts();
        using var script = RunLocalScript.Start(ports);
        await script.WaitForOutputAsync("play QoinHub:", TimeSpan.FromMinutes(3));
        await script.WaitForOutputAsync(SimulatorCommand + " queue peek", TimeSpan.FromSeconds(10));
        Assert.Contains("under the project's Functions host", script.Output, StringComparison.Ordinal);

        var appUrl = $"http://127.0.0.1:{ports["PORT"]}";
        using (var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }))
        {
            Assert.Equal("\"ready\"", await http.GetStringAsync(new Uri(appUrl + "/")));
        }

        var commands = PrintedSimulatorCommands(script.Output);
        Assert.Equal(["notify", "conformance", "queue"], commands.Select(command => command[0]));
        Assert.All(commands.Where(command => command[0] != "queue"), command => Assert.Equal(appUrl, ValueOf(command, "--base-url")));
        Assert.All(commands, command => Assert.Contains(
            $"QueueEndpoint=http://127.0.0.1:{ports["AZURITE_QUEUE_PORT"]}/devstoreaccount1;", ValueOf(command, "--queue-connection-string"), StringComparison.Ordinal));
        Assert.Contains($"TableEndpoint=http://127.0.0.1:{ports["AZURITE_TABLE_PORT"]}/devstoreaccount1;", script.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("UseDevelopmentStorage=true", script.Output, StringComparison.Ordinal);

        // The banner's commands are the README's, plus what differs from the defaults.
        var readme = ReadmeSimulatorCommands();
        Assert.All(commands, command => Assert.Contains(WithoutLocalOptions(command), readme));

        // Run as printed, from the root the script ran in (its .dev/ holds the credentials).
        var notify = await RunPrintedAsync(script, commands[0]);
        Assert.True(notify.ExitCode == 0, $"{notify}\n--- run-local.sh\n{script.Output}");
        Assert.Contains("On queue payment-notifications:", notify.StandardOutput, StringComparison.Ordinal);
        var peek = await RunPrintedAsync(script, commands[2]);
        Assert.True(peek.ExitCode == 0, peek.ToString());
        Assert.Contains("1 message shown", peek.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("partner dev-qoinhub", peek.StandardOutput, StringComparison.Ordinal);

        // Azurite's request-by-request debug log is off unless AZURITE_DEBUG=1: its own log stays small.
        Assert.False(File.Exists(Path.Combine(script.Root, ".azurite", "debug.log")), "Azurite's debug log was written without AZURITE_DEBUG=1.");
        var azuriteLog = new FileInfo(Path.Combine(script.Root, ".azurite", "azurite.log"));
        Assert.True(azuriteLog.Exists && azuriteLog.Length < 4096, $"Azurite's log holds {(azuriteLog.Exists ? azuriteLog.Length : -1)} bytes after one notification.");

        script.Terminate();
        Assert.Equal(143, await script.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Empty(script.ProcessesLeft());
        Assert.DoesNotContain(ports, port => RunLocalScript.Listening(port.Value));
    }

    /// <summary>The simulator commands the banner prints, each as its arguments after the assembly.</summary>
    private static List<IReadOnlyList<string>> PrintedSimulatorCommands(string output) =>
        [.. output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith(SimulatorCommand + " ", StringComparison.Ordinal))
            .Select(line => SplitArguments(line[(SimulatorCommand.Length + 1)..]))];

    /// <summary>The README's simulator commands (continuation lines joined), without the options that only say where things run.</summary>
    private static HashSet<string> ReadmeSimulatorCommands()
    {
        var text = File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "README.md")).Replace("\\\n", " ", StringComparison.Ordinal);
        return [.. text.Split('\n').Select(line => Whitespace().Replace(line.Trim(), " "))
            .Where(line => line.StartsWith(SimulatorCommand + " ", StringComparison.Ordinal))
            .Select(line => WithoutLocalOptions(SplitArguments(line[(SimulatorCommand.Length + 1)..])))];
    }

    private static string WithoutLocalOptions(IReadOnlyList<string> arguments)
    {
        var kept = new List<string>();
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] is "--base-url" or "--queue-connection-string")
            {
                i++;
                continue;
            }

            kept.Add(arguments[i]);
        }

        return string.Join(' ', kept);
    }

    private static string ValueOf(IReadOnlyList<string> arguments, string option)
    {
        var at = arguments.ToList().IndexOf(option);
        Assert.True(at >= 0 && at + 1 < arguments.Count, $"{option} is missing from: {string.Join(' ', arguments)}");
        return arguments[at + 1];
    }

    /// <summary>Splits a command line as the shell does for the banner's lines: spaces, and double quotes around values with semicolons.</summary>
    private static List<string> SplitArguments(string line) =>
        [.. Argument().Matches(line).Select(match => match.Groups["quoted"].Success ? match.Groups["quoted"].Value : match.Value)];

    private static async Task<SimulatorRun> RunPrintedAsync(RunLocalScript script, IReadOnlyList<string> arguments)
    {
        var assembly = SimulatorCommand["dotnet ".Length..];
        using var process = ChildProcess.StartDotnet(assembly, arguments, workingDirectory: script.Root);
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromMinutes(1));
        return new SimulatorRun(exitCode, process.StandardOutput, process.StandardError);
    }

    [GeneratedRegex("\"(?<quoted>[^\"]*)\"|[^ ]+")]
    private static partial Regex Argument();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
