using System.Text.Json;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Retention;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// The timer functions as a custom handler serves them. The Functions host POSTs an invocation
/// request (<c>{"Data":{"timer":…},"Metadata":{…}}</c>) to <c>/{FunctionName}</c> and expects an
/// invocation response: HTTP 200 with <c>{"Outputs":{},"Logs":[…],"ReturnValue":…}</c> when the
/// function succeeded, any other status when it failed (the host logs it; the next tick runs again).
/// </summary>
public static partial class TimerFunctions
{
    public static IEndpointRouteBuilder MapTimerFunctions(this IEndpointRouteBuilder app)
    {
        app.MapPost(FunctionRoutes.OutboxRelay.Path, (HttpContext context, OutboxRelay relay) =>
            InvokeAsync(context, FunctionRoutes.OutboxRelay, async ct =>
            {
                var run = await relay.RunOnceAsync(ct);
                return $"relay: {run.Pending} pending past the relay age, {run.Published} published, {run.Failed} failed, {run.Skipped} skipped, {run.Orphans} orphan markers removed";
            }))
            .WithName(FunctionRoutes.OutboxRelay.FunctionName);
        app.MapPost(FunctionRoutes.Retention.Path, (HttpContext context, RetentionJob retention) =>
            InvokeAsync(context, FunctionRoutes.Retention, async ct =>
            {
                var run = await retention.RunOnceAsync(preview: false, ct);
                return $"retention: deleted {run.Tokens} token rows, {run.Records} notification records, {run.ExternalIds} external-id rows (complete: {run.Complete})";
            }))
            .WithName(FunctionRoutes.Retention.FunctionName);
        return app;
    }

    private static async Task InvokeAsync(HttpContext context, TimerFunction function, Func<CancellationToken, Task<string>> run)
    {
        // The invocation request's content (timer schedule status) is not needed; it is drained so
        // the connection stays reusable.
        await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
        int status;
        string log;
        try
        {
            log = await run(context.RequestAborted);
            status = StatusCodes.Status200OK;
        }
        catch (Exception exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogFailed(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(TimerFunctions)), function.FunctionName, exception);
            log = $"{function.FunctionName} failed ({exception.GetType().Name}); the next run tries again";
            status = StatusCodes.Status500InternalServerError;
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body);
        writer.WriteStartObject();
        writer.WriteStartObject("Outputs");
        writer.WriteEndObject();
        writer.WriteStartArray("Logs");
        writer.WriteStringValue(log);
        writer.WriteEndArray();
        writer.WriteNull("ReturnValue");
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(EventId = LogEvents.TimerFunctionFailed, Level = LogLevel.Error, Message = "Timer function {Function} failed; it runs again on its next tick")]
    private static partial void LogFailed(ILogger logger, string function, Exception exception);
}
