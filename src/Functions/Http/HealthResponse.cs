using System.Text.Json;
using System.Text.Json.Serialization;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.Functions.Http;

/// <summary>The health report as JSON: <c>{"status":"healthy","checkedAt":…,"dependencies":{"tables":{"status":"up","latencyMs":3},…}}</c>.</summary>
public sealed record HealthResponse(string Status, DateTimeOffset CheckedAt, Dictionary<string, DependencyHealthResponse> Dependencies)
{
    public const string Healthy = "healthy";
    public const string Unhealthy = "unhealthy";

    public static HealthResponse From(HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var dependencies = new Dictionary<string, DependencyHealthResponse>(report.Dependencies.Count, StringComparer.Ordinal);
        foreach (var dependency in report.Dependencies)
        {
            dependencies[dependency.Name] = new DependencyHealthResponse(
                dependency.IsUp ? DependencyHealthResponse.Up : DependencyHealthResponse.Down, dependency.LatencyMs, dependency.Reason, dependency.Note);
        }

        return new HealthResponse(report.IsHealthy ? Healthy : Unhealthy, report.CheckedAt, dependencies);
    }
}

/// <summary>One dependency in the health report; <c>reason</c> only when down, <c>note</c> only when there is one.</summary>
public sealed record DependencyHealthResponse(string Status, long LatencyMs, string? Reason, string? Note)
{
    public const string Up = "up";
    public const string Down = "down";
}

/// <summary>Source-generated: the app serializes its own JSON without reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
public sealed partial class HealthJsonContext : JsonSerializerContext;
