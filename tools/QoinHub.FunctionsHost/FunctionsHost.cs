using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using QoinHub.FunctionsHost.Http;
using QoinHub.FunctionsHost.Rpc;
using QoinHub.FunctionsHost.Timers;
using QoinHub.FunctionsHost.Worker;

namespace QoinHub.FunctionsHost;

/// <summary>
/// A small Functions host: starts the worker with the host's arguments, speaks FunctionRpc with
/// it (init, metadata, load, invocations, logs), serves its HTTP functions on
/// <c>http://127.0.0.1:PORT/{routePrefix}/…</c> by forwarding each call to the worker's own HTTP
/// endpoint (ASP.NET Core integration), runs its timer functions, and stops when the worker stops.
/// Test and development infrastructure: see docs/functions-host.md for what the real host does
/// that this one does not.
/// </summary>
public sealed class FunctionsHost : IAsyncDisposable
{
    /// <summary>What the real host passes as the largest gRPC message (int.MaxValue).</summary>
    private const int GrpcMaxMessageLength = int.MaxValue;

    /// <summary>The version this host reports to the worker.</summary>
    private const string HostVersion = "4.0.0-qoinhub-functionshost";

    private static readonly TimeSpan TerminateGrace = TimeSpan.FromSeconds(10);

    private readonly FunctionsHostOptions _options;
    private readonly HostOutput _output;
    private readonly WebApplication _rpcServer;
    private readonly WebApplication _frontDoorServer;
    private readonly HttpForwarder _forwarder;
    private readonly TaskCompletionSource<int> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();
    private WorkerChannel? _channel;
    private IRunningWorker? _worker;
    private TimerScheduler? _timers;
    private RouteTable? _routes;
    private int _disposed;

    private FunctionsHost(FunctionsHostOptions options, IReadOnlyDictionary<string, string> settings, string routePrefix, HostOutput output, WebApplication rpcServer, WebApplication frontDoorServer, HttpForwarder forwarder)
    {
        _options = options;
        Settings = settings;
        RoutePrefix = routePrefix;
        _output = output;
        _rpcServer = rpcServer;
        _frontDoorServer = frontDoorServer;
        _forwarder = forwarder;
    }

    /// <summary>Where the HTTP functions are served, e.g. <c>http://127.0.0.1:7071/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The host's gRPC endpoint the worker dialled.</summary>
    public Uri RpcEndpoint { get; private set; } = null!;

    /// <summary>The route prefix from host.json (<c>extensions.http.routePrefix</c>, <c>api</c> by default).</summary>
    public string RoutePrefix { get; }

    /// <summary>The app settings the host and the worker run with.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; }

    /// <summary>The functions the worker loaded.</summary>
    public IReadOnlyList<LoadedFunction> Functions { get; private set; } = [];

    /// <summary>The capabilities the worker reported (its <c>HttpUri</c> among them).</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>Completes with the worker's exit code when the worker has stopped (by itself, or because the host stopped it).</summary>
    public Task<int> Stopped => _stopped.Task;

    /// <summary>
    /// Starts the host and the worker and waits until the worker has loaded its functions.
    /// </summary>
    /// <exception cref="WorkerStartException">The worker exited, failed to initialise or did not connect in time; the message says which, with the exit code.</exception>
    public static async Task<FunctionsHost> StartAsync(FunctionsHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = Path.GetFullPath(options.ApplicationDirectory);
        options = options with { ApplicationDirectory = directory };
        if (!Directory.Exists(directory))
        {
            throw new WorkerStartException($"The function app directory {directory} does not exist.", null);
        }

        var settings = options.Settings ?? HostSettings.Read(directory);
        var output = new HostOutput(options.Output, options.MinimumWorkerLogLevel);
        var registry = new WorkerRegistry();
        var rpcServer = BuildRpcServer(registry);
        var forwarder = new HttpForwarder(output);
        FunctionsHost? host = null;
        var frontDoorServer = BuildFrontDoor(options.Port, context => host!.ServeAsync(context));
        host = new FunctionsHost(options, settings, ReadRoutePrefix(directory), output, rpcServer, frontDoorServer, forwarder);
        try
        {
            // The front door first: a port already taken is reported before anything else starts.
            await frontDoorServer.StartAsync(cancellationToken);
            host.BaseAddress = new Uri(AddressOf(frontDoorServer) + "/");
            await rpcServer.StartAsync(cancellationToken);
            host.RpcEndpoint = new Uri(AddressOf(rpcServer) + "/");
            await host.StartWorkerAsync(registry, cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Invokes a non-HTTP function now (a timer function gets a timer that is not past due) and
    /// waits for it to finish, as <c>POST /admin/functions/{name}</c> does without waiting.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No such function, or it is an HTTP function.</exception>
    public async Task<InvocationResult> InvokeAsync(string functionName, CancellationToken cancellationToken = default)
    {
        var function = Functions.SingleOrDefault(candidate => string.Equals(candidate.Name, functionName, StringComparison.OrdinalIgnoreCase) && candidate.TriggerType != LoadedFunction.HttpTrigger)
            ?? throw new KeyNotFoundException($"No non-HTTP function '{functionName}' is loaded.");
        var now = DateTimeOffset.UtcNow;
        return await InvokeTimerAsync(function, now, _timers?.NextAfter(function, now), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stopping.CancelAsync();
        if (_timers is not null)
        {
            await _timers.DisposeAsync();
        }

        if (_worker is not null)
        {
            try
            {
                _channel?.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TerminateGrace) } });
            }
            catch (WorkerGoneException)
            {
                // The worker is already gone.
            }

            await _worker.StopAsync(TerminateGrace);
            await _worker.DisposeAsync();
        }

        _forwarder.Dispose();
        await StopServerAsync(_frontDoorServer);
        await StopServerAsync(_rpcServer);
        _stopping.Dispose();
        _stopped.TrySetResult(_worker is null ? 0 : await _worker.Exited);
    }

    private async Task StartWorkerAsync(WorkerRegistry registry, CancellationToken cancellationToken)
    {
        var workerId = Guid.NewGuid().ToString();
        _channel = new WorkerChannel(workerId) { Log = _output.Worker };
        var connected = registry.Expect(_channel);
        var environment = new Dictionary<string, string>(Settings, StringComparer.Ordinal)
        {
            [WorkerStartInfo.ApplicationDirectoryVariable] = _options.ApplicationDirectory,
            [WorkerStartInfo.WorkerDirectoryVariable] = _options.ApplicationDirectory,
        };

        // As func start: a local host runs the app in the Development environment unless told otherwise.
        environment.TryAdd("AZURE_FUNCTIONS_ENVIRONMENT", "Development");
        var start = new WorkerStartInfo(RpcEndpoint, workerId, Guid.NewGuid().ToString(), GrpcMaxMessageLength, _options.ApplicationDirectory, environment);
        var launcher = _options.Worker ?? new ProcessWorkerLauncher(_options.Output, Console.Error);
        _worker = await launcher.StartAsync(start, cancellationToken);
        _ = _worker.Exited.ContinueWith(OnWorkerExited, TaskScheduler.Default);

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.StartTimeout);
        var timeout = _options.StartTimeout;
        try
        {
            await WhileWorkerRunsAsync(connected, "connect", deadline.Token);
            var init = await WhileWorkerRunsAsync(
                _channel.AskAsync(InitRequest(), WorkerChannel.KeyOf(StreamingMessage.ContentOneofCase.WorkerInitResponse), timeout, deadline.Token),
                "initialise",
                deadline.Token);
            EnsureSucceeded(init.WorkerInitResponse.Result, "initialise");
            WorkerCapabilities = new Dictionary<string, string>(init.WorkerInitResponse.Capabilities, StringComparer.Ordinal);

            var metadata = await WhileWorkerRunsAsync(
                _channel.AskAsync(new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _options.ApplicationDirectory } }, WorkerChannel.KeyOf(StreamingMessage.ContentOneofCase.FunctionMetadataResponse), timeout, deadline.Token),
                "report its functions",
                deadline.Token);
            EnsureSucceeded(metadata.FunctionMetadataResponse.Result, "report its functions");
            var functions = metadata.FunctionMetadataResponse.UseDefaultMetadataIndexing
                ? FunctionsMetadataFile.Read(_options.ApplicationDirectory)
                : [.. metadata.FunctionMetadataResponse.FunctionMetadataResults];

            var loaded = new List<LoadedFunction>();
            foreach (var function in functions)
            {
                var load = new FunctionLoadRequest { FunctionId = function.FunctionId, Metadata = function };
                var answer = await WhileWorkerRunsAsync(
                    _channel.AskAsync(new StreamingMessage { FunctionLoadRequest = load }, WorkerChannel.KeyOf(StreamingMessage.ContentOneofCase.FunctionLoadResponse, function.FunctionId), timeout, deadline.Token),
                    $"load function '{function.Name}'",
                    deadline.Token);
                EnsureSucceeded(answer.FunctionLoadResponse.Result, $"load function '{function.Name}'");
                loaded.Add(LoadedFunction.From(function));
            }

            Functions = loaded;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WorkerStartException($"The worker did not connect and load its functions within {_options.StartTimeout.TotalSeconds:0} s.", null);
        }

        if (HttpUri() is null && Functions.Any(function => function.TriggerType == LoadedFunction.HttpTrigger))
        {
            _output.Host("The worker reported no HttpUri capability: HTTP functions need the ASP.NET Core integration (ConfigureFunctionsWebApplication); they answer 500 here.");
        }

        foreach (var function in Functions)
        {
            _output.Host(Describe(function));
        }

        _routes = new RouteTable(Functions, RoutePrefix);
        _timers = new TimerScheduler(this, _output);
        foreach (var function in Functions.Where(function => function.TriggerType == LoadedFunction.TimerTrigger))
        {
            _timers.Add(function, _options.RunTimers);
        }

        _output.Host($"Host started: {Functions.Count} functions, serving {BaseAddress}{RoutePrefix}/");
    }

    /// <summary>Waits for <paramref name="task"/>, unless the worker exits first.</summary>
    private async Task<T> WhileWorkerRunsAsync<T>(Task<T> task, string step, CancellationToken cancellationToken)
    {
        await WhileWorkerRunsAsync((Task)task, step, cancellationToken);
        return await task;
    }

    private async Task WhileWorkerRunsAsync(Task task, string step, CancellationToken cancellationToken)
    {
        var first = await Task.WhenAny(task, _worker!.Exited).WaitAsync(cancellationToken);
        if (first != task)
        {
            throw new WorkerStartException($"The worker exited with code {await _worker.Exited} before it could {step}.", await _worker.Exited);
        }

        try
        {
            await task;
        }
        catch (WorkerGoneException)
        {
            var exitCode = await _worker.Exited.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            throw new WorkerStartException($"The worker exited with code {exitCode} before it could {step}.", exitCode);
        }
    }

    private StreamingMessage InitRequest()
    {
        var init = new WorkerInitRequest
        {
            HostVersion = HostVersion,
            WorkerDirectory = _options.ApplicationDirectory,
            FunctionAppDirectory = _options.ApplicationDirectory,
        };
        init.Capabilities.Add("RpcHttpBodyOnly", "true");
        init.Capabilities.Add("RawHttpBodyBytes", "true");
        init.Capabilities.Add("TypedDataCollection", "true");
        init.Capabilities.Add("HandlesWorkerTerminateMessage", "true");
        init.Capabilities.Add("HandlesInvocationCancelMessage", "true");
        return new StreamingMessage { WorkerInitRequest = init };
    }

    private static void EnsureSucceeded(StatusResult? result, string step)
    {
        if (result is { Status: not StatusResult.Types.Status.Success })
        {
            throw new WorkerStartException($"The worker could not {step}: {result.Exception?.Message ?? result.Result}", null);
        }
    }

    private void OnWorkerExited(Task<int> exited)
    {
        var code = exited.Result;
        if (Volatile.Read(ref _disposed) == 0)
        {
            _output.Host($"The worker exited with code {code}; the host stops.");
        }

        _stopped.TrySetResult(code);
    }

    internal Uri? HttpUri() =>
        WorkerCapabilities.TryGetValue("HttpUri", out var uri) && Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed : null;

    /// <summary>The front door: readiness, the admin invoke endpoint, and every HTTP function's route.</summary>
    private async Task ServeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        if (path == "/" && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            // The readiness probe: a JSON string, 200 once the functions are loaded.
            var ready = _timers is not null;
            context.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(ready ? "\"ready\"" : "\"loading\"", context.RequestAborted);
            return;
        }

        if (_timers is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (path.StartsWith("/admin/functions/", StringComparison.OrdinalIgnoreCase) && HttpMethods.IsPost(request.Method))
        {
            InvokeFromAdmin(context, path["/admin/functions/".Length..]);
            return;
        }

        if (_routes!.Match(request.Method, path) is not { } function)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        await _forwarder.ForwardAsync(context, function, _channel!, HttpUri());
    }

    private void InvokeFromAdmin(HttpContext context, string name)
    {
        var function = Functions.SingleOrDefault(candidate => string.Equals(candidate.Name, name, StringComparison.OrdinalIgnoreCase) && candidate.TriggerType != LoadedFunction.HttpTrigger);
        if (function is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        // As the real host: accepted at once, run in the background.
        var now = DateTimeOffset.UtcNow;
        _ = InvokeTimerAsync(function, now, _timers?.NextAfter(function, now), _stopping.Token);
        context.Response.StatusCode = StatusCodes.Status202Accepted;
    }

    /// <summary>Runs a timer function once with a timer status of its last and next runs; logs the outcome.</summary>
    internal async Task<InvocationResult> InvokeTimerAsync(LoadedFunction function, DateTimeOffset now, DateTimeOffset? next, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid().ToString();
        var timer = JsonSerializer.Serialize(new
        {
            Schedule = new { AdjustForDST = true },
            ScheduleStatus = new { Last = now, Next = next ?? now, LastUpdated = now },
            IsPastDue = false,
        });
        var invocation = new InvocationRequest { InvocationId = invocationId, FunctionId = function.FunctionId, TraceContext = new RpcTraceContext() };
        invocation.InputData.Add(new ParameterBinding { Name = function.TriggerParameter, Data = new TypedData { Json = timer } });
        invocation.TriggerMetadata.Add(function.TriggerParameter, new TypedData { Json = timer });

        _output.Host($"Executing '{function.Name}' (Id={invocationId})");
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var answer = _channel!.Expect(WorkerChannel.KeyOf(StreamingMessage.ContentOneofCase.InvocationResponse, invocationId));
        _channel.Send(new StreamingMessage { InvocationRequest = invocation });
        InvocationResult result;
        try
        {
            var response = (await answer.WaitAsync(cancellationToken)).InvocationResponse;
            result = InvocationResult.From(response.Result);
        }
        catch (WorkerGoneException exception)
        {
            result = new InvocationResult(false, exception.Message);
        }

        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        _output.Host(result.Succeeded
            ? $"Executed '{function.Name}' (Succeeded, Id={invocationId}, Duration={elapsed.TotalMilliseconds:0}ms)"
            : $"Executed '{function.Name}' (Failed, Id={invocationId}, Duration={elapsed.TotalMilliseconds:0}ms): {result.Error}");
        return result;
    }

    private string Describe(LoadedFunction function) => function.TriggerType switch
    {
        LoadedFunction.HttpTrigger => $"{function.Name}: [{string.Join(',', function.Methods.Select(method => method.ToUpperInvariant()))}] {BaseAddress}{RoutePrefix}/{function.Route} (authLevel {function.AuthLevel}: not enforced here, as with func start)",
        LoadedFunction.TimerTrigger => $"{function.Name}: timerTrigger {function.Schedule}",
        _ => $"{function.Name}: {function.TriggerType} (not run by this host)",
    };

    private static WebApplication BuildRpcServer(WorkerRegistry registry)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(registry);
        builder.Services.AddGrpc(options => options.MaxReceiveMessageSize = null);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var app = builder.Build();
        app.MapGrpcService<FunctionRpcService>();
        return app;
    }

    private static WebApplication BuildFrontDoor(int port, RequestDelegate serve)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;

            // The real host's default request body limit (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT, 100 MB);
            // the worker applies its own after that.
            kestrel.Limits.MaxRequestBodySize = 104_857_600;
            kestrel.Listen(IPAddress.Loopback, port);
        });
        var app = builder.Build();
        app.Run(serve);
        return app;
    }

    private static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');

    private static async Task StopServerAsync(WebApplication app)
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await app.StopAsync(stop.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
        {
            // Never started, or stopped already.
        }

        await app.DisposeAsync();
    }

    /// <summary><c>extensions.http.routePrefix</c> of the app's host.json; <c>api</c> when it says nothing.</summary>
    private static string ReadRoutePrefix(string directory)
    {
        var path = Path.Combine(directory, "host.json");
        if (!File.Exists(path))
        {
            return "api";
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        return document.RootElement.TryGetProperty("extensions", out var extensions)
            && extensions.TryGetProperty("http", out var http)
            && http.TryGetProperty("routePrefix", out var prefix)
            && prefix.ValueKind == JsonValueKind.String
            ? prefix.GetString()!.Trim('/')
            : "api";
    }
}
