using Microsoft.Azure.Functions.Worker.Builder;
using QoinHub.Merchant.Functions;

IHost host;
try
{
    var builder = FunctionsApplication.CreateBuilder(args);
    builder.AddMerchantWorker();
    host = builder.Build();

    // Settings are checked now, before the worker connects to the host.
    host.Services.GetService<Microsoft.Extensions.Options.IStartupValidator>()?.Validate();
    await host.StartAsync();
}
catch (Exception exception) when (StartupFailure.Describe(exception) is { } reason)
{
    // One line naming the setting, no stack trace: what an operator reading the host's log needs.
    await Console.Error.WriteLineAsync("Start-up refused: " + reason);
    return StartupFailure.ExitCode;
}

await host.WaitForShutdownAsync();

// Disposing the services flushes telemetry still batched (spans, metrics, logs) before the process ends.
host.Dispose();
return 0;
