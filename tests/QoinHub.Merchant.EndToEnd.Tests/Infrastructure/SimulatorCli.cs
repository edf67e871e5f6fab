namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the simulator as its own process, as a user would from a shell.</summary>
internal static class SimulatorCli
{
    public static async Task<SimulatorRun> RunAsync(string workingDirectory, TimeSpan timeout, params string[] arguments)
    {
        using var process = ChildProcess.StartDotnet(BuildOutput.Simulator, arguments, workingDirectory: workingDirectory);
        var exitCode = await process.WaitForExitAsync(timeout);
        return new SimulatorRun(exitCode, process.StandardOutput, process.StandardError);
    }
}

internal sealed record SimulatorRun(int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}
