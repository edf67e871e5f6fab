using System.Diagnostics;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using OpenTelemetry.Instrumentation.AspNetCore;
using OpenTelemetry.Instrumentation.Http;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the worker: the worker's span per function invocation (parented on the trace
/// context the host passes, which is the caller's <c>traceparent</c>), the app's own spans and
/// metrics (<see cref="MerchantTelemetry"/>), outgoing HTTP and the Azure SDKs' spans
/// (<c>Azure.*</c>), and the app's logs; exported to Application Insights (the Azure Monitor
/// distro, <c>UseAzureMonitor</c>) and/or an OTLP collector as <see cref="TelemetryExporters"/>
/// says. With no exporter configured nothing is registered: no provider listens, so the
/// instrumentation in code costs next to nothing, and the host keeps reporting the invocations.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The <c>service.name</c> of the app's telemetry (Application Insights' cloud role name), unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "qoinhub-merchant";

    /// <summary>The standard setting that names the service instead.</summary>
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    /// <summary>Registers telemetry for the exporters the configuration names; returns what it chose.</summary>
    /// <exception cref="InvalidOperationException">A telemetry setting is malformed; the message names it.</exception>
    public static TelemetryExporters AddMerchantTelemetry(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var exporters = TelemetryExporters.From(builder.Configuration);
        builder.Services.AddSingleton(exporters);
        if (!exporters.Any)
        {
            return exporters;
        }

        // W3C trace context only, the runtime's own propagation: OpenTelemetry's default adds
        // baggage, and a caller's baggage is not for Azure's ears (every outgoing call would carry it).
        Sdk.SetDefaultTextMapPropagator(new OpenTelemetry.Context.Propagation.TraceContextPropagator());

        var otel = builder.Services.AddOpenTelemetry();
        otel.UseFunctionsWorkerDefaults();
        otel.ConfigureResource(resource => resource.AddService(
                NullIfBlank(builder.Configuration[ServiceNameSetting]) ?? ServiceName,
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddProcessor(new TelemetryRedaction())
                .AddSource(MerchantTelemetry.Name)
                .AddSource("Azure.*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(MerchantTelemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithLogging(
                logging => { },
                options =>
                {
                    // App Insights shows the message; the structured values stay as attributes. Scopes
                    // would add request paths with their query strings: left out.
                    options.IncludeFormattedMessage = true;
                    options.IncludeScopes = false;
                    options.ParseStateValues = true;
                });

        // One span per call: the worker's invocation span. The forwarded request's ASP.NET Core span
        // would be a second "request" for the same call, so it is not recorded (the ASP.NET Core
        // metrics stay). Set as options, so they hold for the Azure Monitor distro's registration too.
        builder.Services.Configure<AspNetCoreTraceInstrumentationOptions>(options =>
        {
            options.RecordException = false;
            options.Filter = _ => false;
        });
        builder.Services.Configure<HttpClientTraceInstrumentationOptions>(options =>
        {
            options.RecordException = false;

            // Azure SDK calls already have their HTTP span (Azure.Core.Http); do not record them twice.
            options.FilterHttpRequestMessage = _ => Activity.Current?.Parent?.Source.Name != "Azure.Core.Http";
        });

        // Framework categories log request URLs and headers at Information; only their warnings are exported.
        builder.Logging.AddFilter<OpenTelemetryLoggerProvider>("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter<OpenTelemetryLoggerProvider>("System", LogLevel.Warning);
        builder.Logging.AddFilter<OpenTelemetryLoggerProvider>("Azure", LogLevel.Warning);

        if (exporters.Otlp is { } otlp)
        {
            otel.UseOtlpExporter(otlp.Protocol, otlp.BaseAddress);
        }

        if (exporters.AzureMonitorConnectionString is { } connectionString)
        {
            otel.UseAzureMonitor(options =>
            {
                options.ConnectionString = connectionString;

                // Every payment's trace and every log line: the distro's defaults keep 5 traces a
                // second and drop the logs of the traces they did not keep, which would lose exactly
                // what an operator searches for ("where is this payment?").
                options.TracesPerSecond = null;
                options.SamplingRatio = 1.0F;
                options.EnableTraceBasedLogsSampler = false;
            });

            // Application Insights refuses key-based ingestion: the exporter signs in with the app's
            // one TokenCredential (the managed identity).
            builder.Services.AddOptions<AzureMonitorOptions>().Configure<TokenCredential>((options, credential) => options.Credential = credential);
        }

        return exporters;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
