using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// The real app with telemetry on: its OTLP exporter pointed at a <see cref="LoopbackOtlpCollector"/>
/// (http/protobuf, as an operator would set it), plus in-memory exporters for spans, metrics and
/// logs added beside the app's own. The storage queue is behind a <see cref="TcpOutageProxy"/> so
/// a test can take the broker down; with a <see cref="ServiceBusStandIn"/> the app publishes to it instead.
/// </summary>
internal sealed class TelemetryAppFactory : SnapAppFactory
{
    public const string ServiceBusQueue = "payment-notifications";

    private readonly string _storage;
    private readonly ServiceBusStandIn? _broker;

    private TelemetryAppFactory(LoopbackOtlpCollector collector, ServiceBusStandIn? broker)
    {
        Collector = collector;
        _broker = broker;
        var azurite = AzuriteServer.Instance.ConnectionString;
        Queues = new TcpOutageProxy(TcpOutageProxy.PortOf(azurite, "QueueEndpoint"));
        _storage = TcpOutageProxy.Reroute(azurite, "QueueEndpoint", Queues.Port);
    }

    /// <summary>The SAS key of the Service Bus connection string, for secrecy checks.</summary>
    public static string ServiceBusSharedAccessKey => ServiceBusStandIn.SharedAccessKey;

    public LoopbackOtlpCollector Collector { get; }

    /// <summary>The storage queue's way in: set <see cref="TcpOutageProxy.IsUp"/> to false and the queue is down.</summary>
    public TcpOutageProxy Queues { get; }

    public override string StorageConnectionString => _storage;

    public Recorded<Activity> Spans { get; } = new();

    public Recorded<MetricSnapshot> Metrics { get; } = new();

    public Recorded<ExportedLog> ExportedLogs { get; } = new();

    public static async Task<TelemetryAppFactory> StartAsync(ServiceBusStandIn? broker = null) =>
        new(await LoopbackOtlpCollector.StartAsync(), broker);

    /// <summary>The spans of one trace, once <paramref name="complete"/> says they are all there (the server span ends after the response).</summary>
    public Task<List<Activity>> TraceAsync(ActivityTraceId traceId, Func<List<Activity>, bool> complete) =>
        Spans.WaitForAsync(spans => complete([.. spans.Where(span => span.TraceId == traceId)]), $"the spans of trace {traceId}")
            .ContinueWith(task => task.Result.Where(span => span.TraceId == traceId).ToList(), TaskScheduler.Default);

    /// <summary>Exports everything the app holds now (batched OTLP, periodic metrics).</summary>
    public void Flush()
    {
        Assert.True(Services.GetRequiredService<TracerProvider>().ForceFlush(10_000), "spans were not flushed");
        Assert.True(Services.GetRequiredService<MeterProvider>().ForceFlush(10_000), "metrics were not flushed");
        Assert.True(Services.GetRequiredService<LoggerProvider>().ForceFlush(10_000), "logs were not flushed");
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings()
    {
        yield return new("OTEL_EXPORTER_OTLP_ENDPOINT", Collector.BaseAddress.AbsoluteUri.TrimEnd('/'));
        yield return new("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        if (_broker is not null)
        {
            yield return new("ServiceBus:ConnectionString", _broker.ConnectionString);
            yield return new("ServiceBus:QueueName", ServiceBusQueue);
            yield return new("ServiceBus:MaxRetries", "1");
        }
    }

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddProcessor(new SimpleLogRecordExportProcessor(new TextLogExporter(ExportedLogs))));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Queues.DisposeAsync();
        await Collector.DisposeAsync();
    }
}

/// <summary>One exported log record, as text: what an exporter could have sent of it.</summary>
internal sealed record ExportedLog(string Category, int EventId, string? Message, string? Body, string Attributes, string? Exception, ActivityTraceId TraceId)
{
    public string AllText => string.Join('\n', Category, Message, Body, Attributes, Exception);
}

/// <summary>Copies each log record out as it is exported (the SDK reuses the record afterwards).</summary>
internal sealed class TextLogExporter(Recorded<ExportedLog> logs) : BaseExporter<LogRecord>
{
    public override ExportResult Export(in Batch<LogRecord> batch)
    {
        foreach (var record in batch)
        {
            var attributes = string.Join('\n', record.Attributes?.Select(pair => $"{pair.Key}={pair.Value}") ?? []);
            logs.Add(new ExportedLog(
                record.CategoryName ?? string.Empty,
                record.EventId.Id,
                record.FormattedMessage,
                record.Body,
                attributes,
                record.Exception?.ToString(),
                record.TraceId));
        }

        return ExportResult.Success;
    }
}
