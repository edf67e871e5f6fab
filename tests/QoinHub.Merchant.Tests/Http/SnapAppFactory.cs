using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Tests.Hosting;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// The real app, as an isolated worker in the test process driven by the project's Functions host
/// over gRPC and HTTP on loopback, on a fresh set of tables and queue in Azurite, with the vectors'
/// partner (QoinSnap) and a second partner made here, a fake clock and every log captured. Started
/// on first use of <see cref="Services"/>, <see cref="Host"/> or <see cref="CreateClient"/>.
/// </summary>
public class SnapAppFactory : IDisposable, IAsyncDisposable
{
    public const string OtherClientId = "OtherPartner";

    /// <summary>The moment the vectors were signed (their X-TIMESTAMP), where the fake clock starts.</summary>
    public static readonly DateTimeOffset VectorTime = DateTimeOffset.Parse("2024-08-23T07:44:12+07:00", System.Globalization.CultureInfo.InvariantCulture);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];
    private readonly Lazy<Task<Started>> _started;
    private readonly TextWriter _hostOutput = TextWriter.Synchronized(new StringWriter());
    private int _disposed;

    public SnapAppFactory()
    {
        OtherPrivateKey = RSA.Create(2048);
        OtherClientSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        _started = new Lazy<Task<Started>>(() => Task.Run(StartAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public ManualClock Clock { get; } = new(VectorTime);

    public RSA OtherPrivateKey { get; }

    public string OtherClientSecret { get; }

    public string TokenTable => "tokens" + _suffix;

    public string NotificationTable => "notifications" + _suffix;

    public string QueueName => "notifications-" + _suffix;

    public virtual string StorageConnectionString => AzuriteServer.Instance.ConnectionString;

    /// <summary>The worker's services.</summary>
    public IServiceProvider Services => EnsureStarted().Worker.Services!;

    /// <summary>The Functions host in front of the worker (its timer functions run only when a test invokes them).</summary>
    public QoinHub.FunctionsHost.FunctionsHost Host => EnsureStarted().Host;

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>What the Functions host wrote of its own (functions loaded, timer runs, forwarding failures).</summary>
    public string HostOutput => _hostOutput.ToString()!;

    /// <summary>Whether ASP.NET Core's own records at every level reach <see cref="Logs"/> (the app's defaults apply otherwise).</summary>
    protected virtual bool CapturesFrameworkLogs => true;

    /// <summary>A client of the host's HTTP front door (<c>http://127.0.0.1:PORT/</c>), as QoinHub calls it.</summary>
    public HttpClient CreateClient() =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            ActivityHeadersPropagator = null,

            // Header bytes as a test writes them, non-ASCII included (the host's Kestrel judges them).
            RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8,
        })
        { BaseAddress = Host.BaseAddress };

    /// <summary>Extra settings a test class adds or overrides.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    public void Dispose()
    {
        Task.Run(async () => await DisposeAsync()).GetAwaiter().GetResult();
        GC.SuppressFinalize(this);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_started.IsValueCreated)
        {
            try
            {
                await (await _started.Value).Host.DisposeAsync();
            }
            catch (Exception exception) when (exception is not OutOfMemoryException && _started.Value.IsFaulted)
            {
                // It never started; nothing to stop.
            }
        }

        OtherPrivateKey.Dispose();
        GC.SuppressFinalize(this);
    }

    private Started EnsureStarted() => _started.Value.GetAwaiter().GetResult();

    private async Task<Started> StartAsync()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = StorageConnectionString,
            ["Outbox:MacKeyId"] = OutboxMacTestKey.KeyId,
            ["Outbox:MacKeys:" + OutboxMacTestKey.KeyId] = OutboxMacTestKey.Key,
            ["Storage:TokenTable"] = TokenTable,
            ["Storage:NotificationTable"] = NotificationTable,
            ["LocalQueue:Name"] = QueueName,
            ["Partners:0:ClientId"] = Fixtures.Vectors.ClientId,
            ["Partners:0:PublicKeys:0"] = Fixtures.Vectors.PublicKeyPem,
            ["Partners:0:ClientSecrets:0"] = Fixtures.Vectors.ClientSecret,
            ["Partners:1:ClientId"] = OtherClientId,
            ["Partners:1:PublicKeys:0"] = OtherPrivateKey.ExportSubjectPublicKeyInfoPem(),
            ["Partners:1:ClientSecrets:0"] = OtherClientSecret,

            // A loaded test machine (the whole suite on 2 cores) can take over 2 s for a first answer;
            // tests of the time-out itself set a short one.
            ["Health:Timeout"] = "00:00:10",
        };
        if (CapturesFrameworkLogs)
        {
            // The app quiets ASP.NET Core's per-request logs by default; the tests see every record.
            settings["Logging:LogLevel:Microsoft.AspNetCore"] = "Trace";
        }

        foreach (var (key, value) in Settings())
        {
            settings[key] = value;
        }

        var worker = new InProcessWorker(
            builder => builder.Configuration.AddInMemoryCollection(settings),
            builder =>
            {
                builder.Services.RemoveAll<TimeProvider>();
                builder.Services.AddSingleton<TimeProvider>(Clock);

                // Every record reaches the fake collector the tests read; nothing is written to the
                // console (the test run's output), or thousands of requests would flood it.
                builder.Logging.SetMinimumLevel(LogLevel.Trace);
                builder.Services.AddFakeLogging();
                ConfigureTestServices(builder.Services);
            });

        // The schedules the app ships with, so the timer functions load; tests run them themselves, on the test's clock.
        var hostSettings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [Functions.OutboxRelay.ScheduleSetting] = "0 */1 * * * *",
            [Functions.Retention.ScheduleSetting] = "0 30 19 * * *",
        };
        var host = await QoinHub.FunctionsHost.FunctionsHost.StartAsync(new QoinHub.FunctionsHost.FunctionsHostOptions
        {
            ApplicationDirectory = InProcessWorker.PrepareProcess(),
            Worker = worker,
            Settings = hostSettings,
            RunTimers = false,
            StartTimeout = TimeSpan.FromSeconds(120),
            Output = _hostOutput,

            // The worker's records are in Logs already; the host's own lines are kept in HostOutput.
            MinimumWorkerLogLevel = LogLevel.None,
        });
        return new Started(host, worker);
    }

    private sealed record Started(QoinHub.FunctionsHost.FunctionsHost Host, InProcessWorker Worker);
}
