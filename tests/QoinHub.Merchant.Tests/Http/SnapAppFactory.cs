using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// The real app in memory, on a fresh set of tables and queue in Azurite, with the vectors'
/// partner (QoinSnap) and a second partner made here, a fake clock and every log captured.
/// </summary>
public class SnapAppFactory : WebApplicationFactory<Program>
{
    public const string OtherClientId = "OtherPartner";

    /// <summary>The moment the vectors were signed (their X-TIMESTAMP), where the fake clock starts.</summary>
    public static readonly DateTimeOffset VectorTime = DateTimeOffset.Parse("2024-08-23T07:44:12+07:00", System.Globalization.CultureInfo.InvariantCulture);

    private readonly string _suffix = Guid.NewGuid().ToString("N")[..12];

    public SnapAppFactory()
    {
        OtherPrivateKey = RSA.Create(2048);
        OtherClientSecret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    }

    public ManualClock Clock { get; } = new(VectorTime);

    public RSA OtherPrivateKey { get; }

    public string OtherClientSecret { get; }

    public string TokenTable => "tokens" + _suffix;

    public string NotificationTable => "notifications" + _suffix;

    public string QueueName => "notifications-" + _suffix;

    public virtual string StorageConnectionString => AzuriteServer.Instance.ConnectionString;

    public FakeLogCollector Logs => Services.GetRequiredService<FakeLogCollector>();

    /// <summary>Whether ASP.NET Core's own records at every level reach <see cref="Logs"/> (the app's defaults apply otherwise).</summary>
    protected virtual bool CapturesFrameworkLogs => true;

    /// <summary>Extra settings a test class adds or overrides.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = StorageConnectionString,
            ["Storage:TokenTable"] = TokenTable,
            ["Storage:NotificationTable"] = NotificationTable,
            ["LocalQueue:Name"] = QueueName,
            ["Partners:0:ClientId"] = Fixtures.Vectors.ClientId,
            ["Partners:0:PublicKeys:0"] = Fixtures.Vectors.PublicKeyPem,
            ["Partners:0:ClientSecrets:0"] = Fixtures.Vectors.ClientSecret,
            ["Partners:1:ClientId"] = OtherClientId,
            ["Partners:1:PublicKeys:0"] = OtherPrivateKey.ExportSubjectPublicKeyInfoPem(),
            ["Partners:1:ClientSecrets:0"] = OtherClientSecret,

            // Tests run the relay and retention themselves, on the test's clock.
            ["Outbox:RelayInterval"] = "00:00:00",
            ["Retention:Interval"] = "00:00:00",
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

        // Host settings, not app configuration: the app reads partner and queue settings while it
        // registers services, before configuration added by ConfigureAppConfiguration is applied.
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
            // Every record reaches the fake collector the tests read; the console (the test run's
            // output) only gets warnings, or thousands of requests would flood it.
            services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace)
                .AddFilter<Microsoft.Extensions.Logging.Console.ConsoleLoggerProvider>(null, LogLevel.Warning));
            services.AddFakeLogging();
            ConfigureTestServices(services);
        });
    }

    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            OtherPrivateKey.Dispose();
        }

        base.Dispose(disposing);
    }
}
