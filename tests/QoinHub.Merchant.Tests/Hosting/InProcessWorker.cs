using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using QoinHub.FunctionsHost.Worker;
using QoinHub.Merchant.Functions;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>
/// The app's isolated worker started inside the test process, so a test can swap services (the
/// clock, a publisher) and read the worker's own: built as Program.cs builds it
/// (<see cref="FunctionsApplication.CreateBuilder(string[])"/> with the host's <c>--functions-*</c>
/// arguments, then <see cref="MerchantWorker.AddMerchantWorker"/>), and driven by the project's
/// Functions host over gRPC and HTTP like the published worker in the end-to-end tests.
/// </summary>
/// <param name="configure">Adds the test's settings before the app's registrations and its services after them.</param>
internal sealed class InProcessWorker(Action<FunctionsApplicationBuilder> beforeApp, Action<FunctionsApplicationBuilder> afterApp) : IWorkerLauncher
{
    private static readonly Lock ProcessWide = new();

    /// <summary>The worker's services, once it has started.</summary>
    public IServiceProvider? Services { get; private set; }

    /// <summary>
    /// The worker reads two process-wide things a real host sets up for its process: the entry
    /// assembly (where the Worker SDK's generated metadata and executor are found) and the app
    /// directory. Both are the same for every worker of this test run.
    /// </summary>
    public static string PrepareProcess()
    {
        lock (ProcessWide)
        {
            var app = typeof(MerchantWorker).Assembly;
            if (Assembly.GetEntryAssembly() != app)
            {
                Assembly.SetEntryAssembly(app);
            }

            var directory = Path.GetDirectoryName(app.Location)!;
            Environment.SetEnvironmentVariable(WorkerStartInfo.ApplicationDirectoryVariable, directory);
            Environment.SetEnvironmentVariable(WorkerStartInfo.WorkerDirectoryVariable, directory);
            return directory;
        }
    }

    public async Task<IRunningWorker> StartAsync(WorkerStartInfo start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        PrepareProcess();
        var builder = FunctionsApplication.CreateBuilder([.. start.Arguments]);

        // The worker maps its --functions-* switches from the process's own command line (the test
        // runner's here), so they are given as the configuration keys the switches map to.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Functions:Worker:HostEndpoint"] = start.HostEndpoint.AbsoluteUri,
            ["Functions:Worker:WorkerId"] = start.WorkerId,
            ["Functions:Worker:RequestId"] = start.RequestId,
            ["Functions:Worker:GrpcMaxMessageLength"] = start.GrpcMaxMessageLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        beforeApp(builder);
        builder.AddMerchantWorker();

        // Each worker of the process gets its own HTTP port: the ASP.NET Core integration picks one
        // per process (a static), which two workers at once would share.
        var port = FreeLoopbackPort();
        builder.Services.Configure<WorkerOptions>(options => options.Capabilities["HttpUri"] = $"http://127.0.0.1:{port}/");
        builder.Services.Configure<KestrelServerOptions>(options => options.Listen(IPAddress.Loopback, port));
        afterApp(builder);

        var host = builder.Build();
        try
        {
            host.Services.GetService<IStartupValidator>()?.Validate();
            await host.StartAsync(cancellationToken);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        Services = host.Services;
        return new RunningHost(host);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class RunningHost : IRunningWorker
    {
        private readonly IHost _host;
        private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _stopped;

        public RunningHost(IHost host)
        {
            _host = host;
            host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopped.Register(() => _exited.TrySetResult(0));
        }

        public Task<int> Exited => _exited.Task;

        public async Task StopAsync(TimeSpan grace)
        {
            if (Interlocked.Exchange(ref _stopped, 1) == 1)
            {
                await _exited.Task;
                return;
            }

            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await _host.StopAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
            }

            // Disposing flushes batched telemetry, as Program.cs does at the end.
            _host.Dispose();
            _exited.TrySetResult(0);
        }

        public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(10));
    }
}
