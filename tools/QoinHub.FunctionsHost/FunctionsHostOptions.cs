using QoinHub.FunctionsHost.Worker;

namespace QoinHub.FunctionsHost;

/// <summary>How a <see cref="FunctionsHost"/> runs a function app.</summary>
public sealed record FunctionsHostOptions
{
    /// <summary>
    /// The function app directory: the worker's publish or build output, with host.json,
    /// worker.config.json and the app's assembly.
    /// </summary>
    public required string ApplicationDirectory { get; init; }

    /// <summary>The port the host serves HTTP functions on, on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// App settings as the real host reads them (its environment, and local.settings.json's
    /// <c>Values</c>); the worker gets them as environment variables, and <c>%name%</c> in a
    /// binding resolves against them. Null: this process's environment plus local.settings.json.
    /// </summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }

    /// <summary>Starts the worker: a process as worker.config.json says (the default), or an in-process worker for tests.</summary>
    public IWorkerLauncher? Worker { get; init; }

    /// <summary>Whether timer functions run on their schedules; when false they run only when invoked (<see cref="FunctionsHost.InvokeAsync"/>, <c>POST /admin/functions/{name}</c>).</summary>
    public bool RunTimers { get; init; } = true;

    /// <summary>How long the worker may take to connect and load its functions.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where the host's own lines and the worker's logs are written; null writes nothing.</summary>
    public TextWriter? Output { get; init; }

    /// <summary>The lowest level of the worker's log records written to <see cref="Output"/>; by default every record the worker sends (its own log levels decide).</summary>
    public Microsoft.Extensions.Logging.LogLevel MinimumWorkerLogLevel { get; init; } = Microsoft.Extensions.Logging.LogLevel.Trace;
}
