using System.CommandLine;
using QoinHub.Simulator.Credentials;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Cli;

/// <summary>The command line: plays QoinHub against a merchant's SNAP callbacks.</summary>
public static class SimulatorCommandLine
{
    public static async Task<int> InvokeAsync(string[] args, TimeProvider clock)
    {
        var root = new RootCommand("Plays QoinHub against a merchant's SNAP callbacks: access token, payment notifications, conformance checks and load; shows what reached the local queue.")
        {
            DevKeysCommand.Create(),
            TokenCommand.Create(clock),
            NotifyCommand.Create(clock),
            ConformanceCommand.Create(clock),
            LoadCommand.Create(clock),
            QueueCommand.Create(),
        };

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message);
            }

            await Console.Error.WriteLineAsync("Run with --help for the options.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync();
    }

    /// <summary>Runs a command's body, turning the errors a user can fix into a message and an exit code.</summary>
    public static async Task<int> GuardAsync(Func<Task<int>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return await run();
        }
        catch (Exception exception) when (exception is UsageException or CredentialsException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return ExitCodes.Usage;
        }
        catch (Exception exception) when (exception is AccessTokenRefusedException or Azure.RequestFailedException or AggregateException)
        {
            await Console.Error.WriteLineAsync(exception.Message);
            return ExitCodes.Failure;
        }
    }
}
