using System.Text.Json;
using System.Text.Json.Serialization;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// <c>GET /api/health</c>: checks every dependency (<see cref="DependencyHealth"/>) and answers 200
/// with <c>"status":"healthy"</c> when all are up, else 503 with <c>"status":"unhealthy"</c>, each
/// dependency with its status and latency, and a short reason for those that are down. The Functions
/// host asks for a function key (authLevel <c>function</c>); the app itself, like for every route,
/// trusts whoever reaches its loopback port.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(FunctionRoutes.Health.Path, async (DependencyHealth health, HttpContext context) =>
            {
                var report = await health.CheckAsync(context.RequestAborted);
                context.Response.Headers.CacheControl = "no-store";
                return TypedResults.Json(
                    HealthResponse.From(report),
                    HealthJsonContext.Default.HealthResponse,
                    statusCode: report.IsHealthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            })
            .WithName(FunctionRoutes.Health.FunctionName);
        return app;
    }
}

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

/// <summary>Source-generated: the app serializes no JSON by reflection.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HealthResponse))]
public sealed partial class HealthJsonContext : JsonSerializerContext;
