using System.Reflection;
using System.Text.Json;
using Azure.Core;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using QoinHub.Merchant.Functions;
using QoinHub.Merchant.Functions.Telemetry;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Tests.Notifications.Publishing;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// Which exporters the app builds from its settings, read off the providers it registered: none
/// (and no provider at all) without settings, OTLP with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, Azure
/// Monitor with <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>, signed in with the app's one credential.
/// Nothing leaves the machine: the OTLP collector and the ingestion endpoint are on 127.0.0.1.
/// </summary>
public sealed class TelemetryExporterSelectionTests
{
    /// <summary>Ingestion on a loopback port nothing listens on: the exporter's sends are refused locally.</summary>
    private const string LoopbackConnectionString = "InstrumentationKey=00000000-0000-4000-8000-000000000000;IngestionEndpoint=https://127.0.0.1:9/;LiveEndpoint=https://127.0.0.1:9/";

    static TelemetryExporterSelectionTests()
    {
        // The Azure Monitor exporter's own usage statistics would go to Microsoft's endpoints.
        foreach (var name in new[] { "APPLICATIONINSIGHTS_STATSBEAT_DISABLED", "APPLICATIONINSIGHTS_SDKSTATS_DISABLED", "APPLICATIONINSIGHTS_SDKSTATS_DISABLED_ALL" })
        {
            Environment.SetEnvironmentVariable(name, "true");
        }
    }

    [Fact]
    public async Task Without_exporter_settings_no_provider_is_registered_and_the_app_still_works()
    {
        await using var app = new SettingsAppFactory(
            new("OTEL_EXPORTER_OTLP_ENDPOINT", ""),
            new("APPLICATIONINSIGHTS_CONNECTION_STRING", ""));
        var client = new SnapClient(app.CreateClient(), app.Clock);
        using var key = SnapClient.VectorPrivateKey();
        Assert.NotEmpty(await client.GetTokenAsync(key, Fixtures.Vectors.ClientId));

        Assert.False(app.Services.GetRequiredService<TelemetryExporters>().Any);
        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<LoggerProvider>());
        Assert.DoesNotContain(app.Services.GetServices<ILoggerProvider>(), provider => provider is OpenTelemetryLoggerProvider);
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_every_signal_goes_there_and_nowhere_else()
    {
        await using var app = await TelemetryAppFactory.StartAsync();
        var client = new SnapClient(app.CreateClient(), app.Clock);
        using var key = SnapClient.VectorPrivateKey();
        Assert.NotEmpty(await client.GetTokenAsync(key, Fixtures.Vectors.ClientId));

        var exporters = app.Services.GetRequiredService<TelemetryExporters>();
        Assert.Null(exporters.AzureMonitorConnectionString);
        Assert.Equal(new OtlpEndpoint(app.Collector.BaseAddress, OtlpExportProtocol.HttpProtobuf), exporters.Otlp);

        // The app's own exporters (the test adds in-memory ones beside them).
        Assert.Equal([typeof(OtlpTraceExporter)], AppExporters(app.Services.GetRequiredService<TracerProvider>()));
        Assert.Equal([typeof(OtlpMetricExporter)], AppExporters(app.Services.GetRequiredService<MeterProvider>()));
        Assert.Equal([typeof(OtlpLogExporter)], AppExporters(app.Services.GetRequiredService<LoggerProvider>()));

        // And they reach the collector over http/protobuf, each signal on its own path.
        app.Flush();
        foreach (var signal in new[] { "/v1/traces", "/v1/metrics", "/v1/logs" })
        {
            Assert.Contains(app.Collector.Exports, export => export.Path == signal && export.ContentType == "application/x-protobuf" && export.Body.Length > 0);
        }
    }

    [Fact]
    public async Task With_an_Application_Insights_connection_string_every_signal_goes_to_Azure_Monitor_with_the_apps_credential()
    {
        var credential = new RecordingTokenCredential("monitor-token-" + Guid.NewGuid().ToString("N"));
        await using var app = new SettingsAppFactory(
            new("APPLICATIONINSIGHTS_CONNECTION_STRING", LoopbackConnectionString),
            new("OTEL_EXPORTER_OTLP_ENDPOINT", ""))
        {
            Credential = credential,
        };
        var client = new SnapClient(app.CreateClient(), app.Clock);
        using var key = SnapClient.VectorPrivateKey();
        Assert.NotEmpty(await client.GetTokenAsync(key, Fixtures.Vectors.ClientId));

        Assert.Equal(LoopbackConnectionString, app.Services.GetRequiredService<TelemetryExporters>().AzureMonitorConnectionString);
        Assert.Null(app.Services.GetRequiredService<TelemetryExporters>().Otlp);
        var tracer = app.Services.GetRequiredService<TracerProvider>();
        Assert.Equal([typeof(AzureMonitorTraceExporter)], AppExporters(tracer));
        Assert.Equal([typeof(AzureMonitorMetricExporter)], AppExporters(app.Services.GetRequiredService<MeterProvider>()));
        Assert.Equal([typeof(AzureMonitorLogExporter)], AppExporters(app.Services.GetRequiredService<LoggerProvider>()));

        // The options are the app's one credential, not a credential of the exporter's own making...
        Assert.Same(credential, app.Services.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Options.DefaultName).Credential);
        Assert.Same(app.Services.GetRequiredService<TokenCredential>(), credential);

        // Nothing of a payment's trace or its logs is sampled away: the distro's defaults (5 traces a
        // second, and logs dropped with their unsampled trace) would lose what an operator looks for.
        var distro = app.Services.GetRequiredService<IOptionsMonitor<AzureMonitorOptions>>().Get(Options.DefaultName);
        Assert.Null(distro.TracesPerSecond);
        Assert.Equal(1.0F, distro.SamplingRatio);
        Assert.False(distro.EnableTraceBasedLogsSampler);

        // ...and the exporter signs in with it to send (to the loopback ingestion endpoint, which refuses).
        tracer.ForceFlush(10_000);
        Assert.Contains(credential.RequestedScopes, scopes => scopes.Any(scope => scope.StartsWith("https://monitor.azure.com", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT", "ftp://127.0.0.1:4318")]
    [InlineData("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]
    [InlineData("APPLICATIONINSIGHTS_CONNECTION_STRING", "Endpoint=sb://not-app-insights/")]
    public void A_malformed_telemetry_setting_stops_start_up_naming_the_setting_not_its_value(string setting, string value)
    {
        var settings = new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318", [setting] = value };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();

        var failure = Assert.Throws<InvalidOperationException>(() => TelemetryExporters.From(configuration));

        var reason = StartupFailure.Describe(failure);
        Assert.NotNull(reason);
        Assert.Contains(setting, reason, StringComparison.Ordinal);
        Assert.DoesNotContain(value, reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, OtlpExportProtocol.Grpc)]
    [InlineData("grpc", OtlpExportProtocol.Grpc)]
    [InlineData("http/protobuf", OtlpExportProtocol.HttpProtobuf)]
    public void OTLP_protocol_defaults_to_grpc_as_the_specification_says(string? protocol, OtlpExportProtocol expected)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
        }).Build();

        Assert.Equal(new OtlpEndpoint(new Uri("http://127.0.0.1:4317"), expected), TelemetryExporters.From(configuration).Otlp);
    }

    [Fact]
    public void The_Azure_SDK_activity_sources_are_switched_on_in_the_apps_runtime_configuration()
    {
        // A runtime option, so Native AOT compiles it in; the test process has it too (see the test project).
        using var runtimeConfig = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "QoinHub.Merchant.Functions.runtimeconfig.json")));
        Assert.True(runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties").GetProperty("Azure.Experimental.EnableActivitySource").GetBoolean());
        Assert.True(AppContext.TryGetSwitch("Azure.Experimental.EnableActivitySource", out var enabled) && enabled);
    }

    /// <summary>
    /// The exporters a provider's processors and readers hold, less the ones the test factory adds
    /// (in-memory, and the log copier), found by walking the SDK's objects.
    /// </summary>
    private static List<Type> AppExporters(object provider) =>
        [.. Exporters(provider).Select(exporter => exporter.GetType())
            .Where(type => !type.Name.StartsWith("InMemoryExporter", StringComparison.Ordinal) && type != typeof(TextLogExporter))
            .OrderBy(type => type.Name)];

    private static List<object> Exporters(object root)
    {
        var found = new List<object>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(root, 0);
        return found;

        void Visit(object node, int depth)
        {
            if (depth > 20 || !seen.Add(node))
            {
                return;
            }

            var type = node.GetType();
            if (IsExporter(type))
            {
                found.Add(node);
                return;
            }

            if (node is Array array)
            {
                foreach (var item in array)
                {
                    if (item is not null && !item.GetType().IsValueType)
                    {
                        Visit(item, depth + 1);
                    }
                }

                return;
            }

            // The Azure Monitor distro's own side pipelines (Live Metrics, and the standard metrics it
            // derives from spans and exports itself) are not where the app's signals are exported.
            if ((type.Namespace?.StartsWith("OpenTelemetry", StringComparison.Ordinal) != true && type.Namespace?.StartsWith("Azure.Monitor.OpenTelemetry", StringComparison.Ordinal) != true)
                || type.Name.Contains("LiveMetrics", StringComparison.Ordinal) || type.Name.StartsWith("StandardMetrics", StringComparison.Ordinal))
            {
                return;
            }

            for (var declaring = type; declaring is not null; declaring = declaring.BaseType)
            {
                foreach (var field in declaring.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (!field.FieldType.IsValueType && field.GetValue(node) is { } value and not string)
                    {
                        Visit(value, depth + 1);
                    }
                }
            }
        }

        static bool IsExporter(Type type)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                if (current.IsGenericType && current.GetGenericTypeDefinition() == typeof(BaseExporter<>))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The app with extra settings, and a credential of the test's making when one is given.</summary>
    private sealed class SettingsAppFactory(params KeyValuePair<string, string?>[] settings) : SnapAppFactory
    {
        public TokenCredential? Credential { get; init; }

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => settings;

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            if (Credential is { } credential)
            {
                services.AddSingleton(credential);
            }
        }
    }
}
