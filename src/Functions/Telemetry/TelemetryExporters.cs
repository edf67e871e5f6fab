using OpenTelemetry.Exporter;

namespace QoinHub.Merchant.Functions.Telemetry;

/// <summary>
/// Where telemetry goes, read from the standard settings: Application Insights when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, an OTLP collector when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (with <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>,
/// <c>grpc</c> by default as the OpenTelemetry specification says, or <c>http/protobuf</c>); both,
/// or neither, in which case the app builds no telemetry pipeline at all.
/// </summary>
public sealed record TelemetryExporters(string? AzureMonitorConnectionString, OtlpEndpoint? Otlp)
{
    public const string AzureMonitorConnectionStringSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string OtlpProtocolSetting = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>True when at least one exporter is configured.</summary>
    public bool Any => AzureMonitorConnectionString is not null || Otlp is not null;

    /// <exception cref="InvalidOperationException">A setting is malformed; the message names it, never its value.</exception>
    public static TelemetryExporters From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var connectionString = NullIfBlank(configuration[AzureMonitorConnectionStringSetting]);
        if (connectionString is not null && !connectionString.Contains("InstrumentationKey=", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"{AzureMonitorConnectionStringSetting} must be an Application Insights connection string (InstrumentationKey=…;IngestionEndpoint=…).");
        }

        OtlpEndpoint? otlp = null;
        if (NullIfBlank(configuration[OtlpEndpointSetting]) is { } endpoint)
        {
            if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new InvalidOperationException($"{OtlpEndpointSetting} must be an absolute http:// or https:// URI, e.g. http://127.0.0.1:4318.");
            }

            var protocol = NullIfBlank(configuration[OtlpProtocolSetting]) switch
            {
                null or "grpc" => OtlpExportProtocol.Grpc,
                "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
                _ => throw new InvalidOperationException($"{OtlpProtocolSetting} must be grpc or http/protobuf."),
            };
            otlp = new OtlpEndpoint(uri, protocol);
        }

        return new TelemetryExporters(connectionString, otlp);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>An OTLP collector: its base address (signal paths such as <c>/v1/traces</c> are added for http/protobuf) and protocol.</summary>
public sealed record OtlpEndpoint(Uri BaseAddress, OtlpExportProtocol Protocol);
