using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration.Memory;
using QoinHub.Merchant.AzureAdapters;
using QoinHub.Merchant.Functions.Http;
using QoinHub.Merchant.Functions.Telemetry;

namespace QoinHub.Merchant.Functions;

/// <summary>The worker's composition: everything Program.cs (and the tests' in-process worker) builds the app from.</summary>
public static class MerchantWorker
{
    /// <summary>
    /// ASP.NET Core integration (the host forwards each HTTP call to the worker's own Kestrel), the
    /// merchant's handlers and their Azure adapters, and telemetry.
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is missing or malformed; the message names it.</exception>
    public static FunctionsApplicationBuilder AddMerchantWorker(this FunctionsApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ConfigureFunctionsWebApplication();
        builder.UseQuietFrameworkRequestLogs();
        builder.Services.AddMerchantCallbacks(builder.Configuration).AddAzureAdapters(builder.Configuration);
        builder.Services.AddSingleton<SnapHttp>();

        // The ASP.NET Core integration registers data protection, which the app never uses: its keys
        // stay in memory, instead of a key ring written to the user's profile at every start (with a
        // warning that it is stored unencrypted).
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.AddMerchantTelemetry();

        // Start-up failures are reported by Program.cs in one line; the host's own report adds a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        return builder;
    }

    /// <summary>
    /// ASP.NET Core logs four Information lines for every request (request starting and finished,
    /// endpoint executing and executed), which cost more CPU than verifying the call; by default it
    /// logs warnings and errors only, as the ASP.NET Core templates configure it. This is the lowest
    /// layer of configuration: <c>Logging__LogLevel__Microsoft.AspNetCore</c> (or appsettings) still
    /// turns them back on. The app's own logs are not affected.
    /// </summary>
    private static void UseQuietFrameworkRequestLogs(this FunctionsApplicationBuilder builder) =>
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", nameof(LogLevel.Warning))],
        });
}
