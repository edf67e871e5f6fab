using System.Diagnostics;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.Exporter;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Functions.Telemetry;

/// <summary>
/// OpenTelemetry for the app: the server span of each call (ASP.NET Core, parented on the caller's
/// <c>traceparent</c>), the app's own spans and metrics (<see cref="MerchantTelemetry"/>), outgoing
/// HTTP and the Azure SDKs' spans (<c>Azure.*</c>), and the app's logs; exported to Application
/// Insights and/or an OTLP collector as <see cref="TelemetryExporters"/> says. With no exporter
/// configured nothing is registered: no provider listens, so the instrumentation in code costs
/// next to nothing. Every option is set in code (no configuration binding), for Native AOT.
/// </summary>
public static class TelemetrySetup
{
    /// <summary>The <c>service.name</c> of the app's telemetry (Application Insights' cloud role name), unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public const string ServiceName = "qoinhub-merchant";

    /// <summary>The standard setting that names the service instead.</summary>
    public const string ServiceNameSetting = "OTEL_SERVICE_NAME";

    /// <summary>Azure Monitor's metric export interval (its exporter's own default).</summary>
    private const int AzureMonitorMetricIntervalMilliseconds = 60_000;

    /// <summary>Registers telemetry for the exporters <paramref name="configuration"/> names; returns what it chose.</summary>
    /// <exception cref="InvalidOperationException">A telemetry setting is malformed; the message names it.</exception>
    public static TelemetryExporters AddMerchantTelemetry(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var exporters = TelemetryExporters.From(builder.Configuration);
        builder.Services.AddSingleton(exporters);
        if (!exporters.Any)
        {
            return exporters;
        }

        // W3C trace context only, the runtime's own propagation. With OpenTelemetry's default
        // (trace context and baggage) the HttpClient instrumentation rewrites the traceparent header
        // of every outgoing request, including the one a Service Bus send carries as the message's
        // trace context (MessageTraceContextPolicy); and a caller's baggage is not for Azure's ears.
        Sdk.SetDefaultTextMapPropagator(new OpenTelemetry.Context.Propagation.TraceContextPropagator());

        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                NullIfBlank(builder.Configuration[ServiceNameSetting]) ?? ServiceName,
                serviceVersion: typeof(TelemetrySetup).Assembly.GetName().Version?.ToString()))
            .WithTracing(tracing => tracing
                .AddProcessor(new TelemetryRedaction())
                .AddSource(MerchantTelemetry.Name)
                .AddSource("Azure.*")
                .AddAspNetCoreInstrumentation(options =>
                {
                    options.RecordException = false;
                    options.Filter = context => !IsReadinessProbe(context);
                })
                .AddHttpClientInstrumentation(options =>
                {
                    options.RecordException = false;

                    // Azure SDK calls already have their HTTP span (Azure.Core.Http); do not record them twice.
                    options.FilterHttpRequestMessage = _ => Activity.Current?.Parent?.Source.Name != "Azure.Core.Http";
                }))
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
            otel.WithTracing(tracing => tracing.AddProcessor(services =>
                    new BatchActivityExportProcessor(new AzureMonitorTraceExporter(AzureMonitorOptions(connectionString, services)))))
                .WithMetrics(metrics => metrics.AddReader(services =>
                    new PeriodicExportingMetricReader(new AzureMonitorMetricExporter(AzureMonitorOptions(connectionString, services)), AzureMonitorMetricIntervalMilliseconds)
                    {
                        TemporalityPreference = MetricReaderTemporalityPreference.Delta,
                    }))
                .WithLogging(logging => logging.AddProcessor(services =>
                    new BatchLogRecordExportProcessor(new AzureMonitorLogExporter(AzureMonitorOptions(connectionString, services)))));
        }

        return exporters;
    }

    /// <summary>
    /// Application Insights' options, built in code: the connection string (an address and the
    /// resource's id, no secret), and the app's one <see cref="TokenCredential"/> (the managed
    /// identity), since the resource refuses key-based ingestion.
    /// </summary>
    public static AzureMonitorExporterOptions AzureMonitorOptions(string connectionString, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return new AzureMonitorExporterOptions
        {
            ConnectionString = connectionString,
            Credential = services.GetRequiredService<TokenCredential>(),
        };
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The Functions host's "is the handler up" GET /: not a call worth a span.</summary>
    private static bool IsReadinessProbe(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value is null or "/";
}
