using System.Diagnostics;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

internal sealed record ProcessResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>Everything a failed assertion needs to show what the tool said.</summary>
    public override string ToString() =>
        $"{Command} exited with {ExitCode}{Environment.NewLine}--- stdout ---{Environment.NewLine}{StandardOutput}" +
        $"{Environment.NewLine}--- stderr ---{Environment.NewLine}{StandardError}";
}

/// <summary>Runs a command-line tool to completion and captures its output.</summary>
internal static class ProcessRunner
{
    public static async Task<ProcessResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await RunAsync(fileName, arguments, workingDirectory, timeout, new Dictionary<string, string>(), cancellationToken);

    /// <summary>As <see cref="RunAsync(string, IReadOnlyList{string}, string, TimeSpan, CancellationToken)"/>, with these variables added to the tool's environment.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken = default)
    {
        // Without the test host's MSBuild variables: a nested `dotnet publish` must find its SDK the normal way.
        var start = ToolStartInfo.Create(fileName, arguments, workingDirectory);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var standardOutput = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var standardError = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout}.");
        }

        return new ProcessResult(
            $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)}", process.ExitCode, await standardOutput, await standardError);
    }
}
