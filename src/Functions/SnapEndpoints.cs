using System.Buffers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Functions;

/// <summary>Maps the SNAP callbacks onto <see cref="FunctionRoutes"/> and translates HTTP to and from <see cref="SnapRequest"/>.</summary>
public static partial class SnapEndpoints
{
    public static IEndpointRouteBuilder MapSnapCallbacks(this IEndpointRouteBuilder app)
    {
        app.MapPost(FunctionRoutes.AccessTokenB2B.Path, (HttpContext context, AccessTokenHandler handler) => HandleAsync(context, handler))
            .WithName(FunctionRoutes.AccessTokenB2B.FunctionName);
        app.MapPost(FunctionRoutes.PaymentNotificationDebit.Path, (HttpContext context, DebitNotifyHandler handler) => HandleAsync(context, handler))
            .WithName(FunctionRoutes.PaymentNotificationDebit.FunctionName);
        return app;
    }

    private static async Task HandleAsync(HttpContext context, SnapHandler handler)
    {
        var cancellationToken = context.RequestAborted;
        SnapResult result;
        try
        {
            // The one place the body limit is enforced: a declared length over it is refused unread,
            // and no more than the limit plus one byte is ever buffered.
            var maxBodyBytes = context.RequestServices.GetRequiredService<IOptionsMonitor<SnapOptions>>().CurrentValue.MaxBodyBytes;
            var body = context.Request.ContentLength > maxBodyBytes ? null : await ReadBodyAsync(context.Request, maxBodyBytes, cancellationToken);
            if (body is null)
            {
                result = handler.RefuseOversizedBody(maxBodyBytes);
            }
            else
            {
                var (headers, repeated) = ReadHeaders(context.Request);
                var request = new SnapRequest(context.Request.Method, context.Request.Path.Value + context.Request.QueryString.Value, headers, body.Value)
                {
                    RepeatedHeaders = repeated,
                };
                result = await handler.HandleAsync(request, cancellationToken);
            }
        }
        catch (BadHttpRequestException exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The caller's fault while sending the body (too slow for Kestrel's minimum data rate,
            // shorter than its Content-Length, malformed chunks): a 4xx, if the connection still takes one.
            LogBadBody(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SnapEndpoints)), context.Request.Path, exception.StatusCode, exception.Message);
            result = handler.RefuseIncompleteBody();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SnapEndpoints)), context.Request.Path, exception);
            result = handler.Responses.GeneralError();
        }

        // The server span (ASP.NET Core's, parented on the caller's traceparent) gets the SNAP codes.
        MerchantTelemetry.RecordCall(context.Features.Get<IHttpActivityFeature>()?.Activity, handler.Responses.Code, result.ResponseCode);

        var response = context.Response;
        response.StatusCode = result.HttpStatus;
        response.ContentType = "application/json";
        foreach (var (name, value) in result.Headers)
        {
            response.Headers[name] = value;
        }

        response.ContentLength = result.Body.Length;
        await response.Body.WriteAsync(result.Body, cancellationToken);
    }

    /// <summary>The body, or <see langword="null"/> when it is longer than <paramref name="maxBodyBytes"/> (detected by reading one byte more).</summary>
    private static async Task<ReadOnlyMemory<byte>?> ReadBodyAsync(HttpRequest request, int maxBodyBytes, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(maxBodyBytes + 1L, (request.ContentLength ?? 4096) + 1));
        var stream = request.Body;
        while (buffer.WrittenCount <= maxBodyBytes)
        {
            var memory = buffer.GetMemory(Math.Min(8192, maxBodyBytes + 1 - buffer.WrittenCount));
            var read = await stream.ReadAsync(memory[..Math.Min(memory.Length, maxBodyBytes + 1 - buffer.WrittenCount)], cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
        }

        return buffer.WrittenCount > maxBodyBytes ? null : buffer.WrittenMemory;
    }

    private static (Dictionary<string, string> Headers, HashSet<string> Repeated) ReadHeaders(HttpRequest request)
    {
        var headers = new Dictionary<string, string>(request.Headers.Count, StringComparer.OrdinalIgnoreCase);
        var repeated = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = values.ToString();
            if (values.Count > 1)
            {
                repeated.Add(name);
            }
        }

        return (headers, repeated);
    }

    [LoggerMessage(EventId = LogEvents.HostBadBody, Level = LogLevel.Warning, Message = "The body of a call to {Path} did not arrive whole (HTTP {Status}: {Reason}); answered 400")]
    private static partial void LogBadBody(ILogger logger, string path, int status, string reason);

    [LoggerMessage(EventId = LogEvents.HostUnhandled, Level = LogLevel.Error, Message = "Unhandled failure answering {Path}")]
    private static partial void LogUnhandled(ILogger logger, string path, Exception exception);
}
