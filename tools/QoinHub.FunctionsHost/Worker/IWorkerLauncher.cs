namespace QoinHub.FunctionsHost.Worker;

/// <summary>Starts a language worker that dials back to the host's gRPC endpoint.</summary>
public interface IWorkerLauncher
{
    Task<IRunningWorker> StartAsync(WorkerStartInfo start, CancellationToken cancellationToken);
}

/// <summary>A worker the host started.</summary>
public interface IRunningWorker : IAsyncDisposable
{
    /// <summary>Completes with the exit code when the worker has stopped, whoever stopped it.</summary>
    Task<int> Exited { get; }

    /// <summary>Stops the worker (it was asked to terminate first) and waits for it to end.</summary>
    Task StopAsync(TimeSpan grace);
}

/// <summary>
/// What the real host gives a worker it starts: the <c>--functions-*</c> arguments (the gRPC
/// endpoint, ids and message size limit) and an environment of the app settings plus
/// <c>FUNCTIONS_APPLICATION_DIRECTORY</c> and <c>FUNCTIONS_WORKER_DIRECTORY</c>.
/// </summary>
public sealed record WorkerStartInfo(
    Uri HostEndpoint,
    string WorkerId,
    string RequestId,
    int GrpcMaxMessageLength,
    string ApplicationDirectory,
    IReadOnlyDictionary<string, string> Environment)
{
    public const string ApplicationDirectoryVariable = "FUNCTIONS_APPLICATION_DIRECTORY";
    public const string WorkerDirectoryVariable = "FUNCTIONS_WORKER_DIRECTORY";

    /// <summary>The worker's command-line arguments, as the host passes them (worker 2.x).</summary>
    public IReadOnlyList<string> Arguments =>
    [
        "--functions-uri", HostEndpoint.AbsoluteUri,
        "--functions-worker-id", WorkerId,
        "--functions-request-id", RequestId,
        "--functions-grpc-max-message-length", GrpcMaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
    ];
}
