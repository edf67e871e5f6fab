using Microsoft.Azure.Functions.Worker;
using QoinHub.Merchant.Functions.Http;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// <c>GET /api/health</c>: checks every dependency (<see cref="DependencyHealth"/>) and answers 200
/// with <c>"status":"healthy"</c> when all are up, else 503 with <c>"status":"unhealthy"</c>, each
/// dependency with its status and latency, and a short reason for those that are down. Behind a
/// function key in Azure: it names the dependency that is down and why, which is for operators only.
/// </summary>
public sealed class Health(DependencyHealth health)
{
    [Function(nameof(Health))]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Function, "get", Route = "health")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        HealthReport report;
        try
        {
            report = await health.CheckAsync(request.HttpContext.RequestAborted);
        }
        catch (OperationCanceledException) when (request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The caller went away while the dependencies were checked: nobody to answer.
            return Results.Empty;
        }

        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return CallerGone.Tolerating(TypedResults.Json(
            HealthResponse.From(report),
            HealthJsonContext.Default.HealthResponse,
            statusCode: report.IsHealthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable));
    }
}
