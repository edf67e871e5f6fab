using QoinHub.Merchant.Functions;
using QoinHub.Merchant.Functions.Telemetry;

WebApplication app;
try
{
    var builder = WebApplication.CreateSlimBuilder(args);
    builder.UseCustomHandlerPortWhenHosted();
    builder.UseQuietFrameworkRequestLogs();
    builder.Services.AddMerchantCallbacksOnAzure(builder.Configuration);
    builder.AddMerchantTelemetry();
    builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, FunctionsJsonContext.Default));

    // Start-up failures are reported below, in one line; the host's own report adds a stack trace.
    builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

    app = builder.Build();

    // Settings are checked now, before anything listens.
    app.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();

    // The Functions host waits for the custom handler to answer before forwarding requests.
    app.MapGet("/", () => TypedResults.Ok("ready"));
    app.MapSnapCallbacks();
    app.MapHealth();
    app.MapTimerFunctions();
    await app.StartAsync();
}
catch (Exception exception) when (StartupFailure.Describe(exception) is { } reason)
{
    // One line naming the setting, no stack trace: what an operator reading the host's log needs.
    await Console.Error.WriteLineAsync("Start-up refused: " + reason);
    return StartupFailure.ExitCode;
}

await app.WaitForShutdownAsync();

// Disposing the services flushes telemetry still batched (spans, metrics, logs) before the process ends.
await app.DisposeAsync();
return 0;

/// <summary>The app's entry point (public for WebApplicationFactory).</summary>
public partial class Program;
