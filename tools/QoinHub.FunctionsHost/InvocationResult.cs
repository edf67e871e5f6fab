namespace QoinHub.FunctionsHost;

/// <summary>How an invocation ended.</summary>
public sealed record InvocationResult(bool Succeeded, string? Error)
{
    internal static InvocationResult From(StatusResult? result) =>
        result is null || result.Status == StatusResult.Types.Status.Success
            ? new InvocationResult(true, null)
            : new InvocationResult(false, result.Exception?.Message ?? result.Result ?? result.Status.ToString());
}

/// <summary>The worker could not be started, did not connect, or failed to load; <see cref="ExitCode"/> is set when it exited.</summary>
public sealed class WorkerStartException(string message, int? exitCode) : Exception(message)
{
    public int? ExitCode { get; } = exitCode;
}
