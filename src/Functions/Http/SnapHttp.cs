using System.Buffers;
using System.Diagnostics;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Functions.Http;

/// <summary>
/// Translates a forwarded HTTP call to and from <see cref="SnapRequest"/> and <see cref="SnapResult"/>
/// for the two SNAP functions: the body limit, the headers as SNAP reads them, a body that did not
/// arrive whole, and the answer.
/// </summary>
public sealed partial class SnapHttp(IOptionsMonitor<SnapOptions> options, ILogger<SnapHttp> logger)
{
    public async Task<IResult> AnswerAsync(HttpRequest request, SnapHandler handler)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handler);
        var cancellationToken = request.HttpContext.RequestAborted;
        var result = await ReadAndHandleAsync(request, handler, cancellationToken);

        // The call's span (the worker's invocation span, parented on the caller's traceparent) gets the SNAP codes.
        MerchantTelemetry.RecordCall(Activity.Current, handler.Responses.Code, result.ResponseCode);
        return new SnapHttpResult(result);
    }

    private async Task<SnapResult> ReadAndHandleAsync(HttpRequest request, SnapHandler handler, CancellationToken cancellationToken)
    {
        // The one place the body limit is enforced: a declared length over it is refused unread,
        // and no more than the limit plus one byte is ever buffered.
        var maxBodyBytes = options.CurrentValue.MaxBodyBytes;
        ReadOnlyMemory<byte>? body;
        try
        {
            body = request.ContentLength > maxBodyBytes ? null : await ReadBodyAsync(request, maxBodyBytes, cancellationToken);
        }
        catch (Exception exception) when (exception is BadHttpRequestException or IOException || (cancellationToken.IsCancellationRequested && exception is OperationCanceledException))
        {
            // The caller's fault while sending the body (too slow for Kestrel's minimum data rate,
            // shorter than its Content-Length, malformed chunks, a chunk size that overflows), or the
            // connection lost before the body was whole (behind a host, the forwarded request is cut
            // when the caller's is, and the cut may surface before the request is marked aborted):
            // reading the body touches no dependency of ours, so this is a 4xx, if the connection
            // still takes one, and a one-line warning, never an error with a stack trace.
            LogBadBody(logger, request.Path, (exception as BadHttpRequestException)?.StatusCode ?? StatusCodes.Status400BadRequest, exception.Message);
            return handler.RefuseIncompleteBody();
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnhandled(logger, request.Path, exception);
            return handler.Responses.GeneralError();
        }

        if (body is null)
        {
            return handler.RefuseOversizedBody(maxBodyBytes);
        }

        try
        {
            var (headers, repeated) = ReadHeaders(request);
            var snapRequest = new SnapRequest(request.Method, request.Path.Value + request.QueryString.Value, headers, body.Value)
            {
                RepeatedHeaders = repeated,
            };
            return await handler.HandleAsync(snapRequest, options.CurrentValue.CallDeadline, cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnhandled(logger, request.Path, exception);
            return handler.Responses.GeneralError();
        }
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

        // Not "cond ? null : memory": that converts null to an empty ReadOnlyMemory (through its
        // conversion from an array), which is never null, and an oversized body would read as empty.
        if (buffer.WrittenCount > maxBodyBytes)
        {
            return null;
        }

        return buffer.WrittenMemory;
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

/// <summary>A SNAP answer: its HTTP status, its SNAP headers, and the JSON body the handler wrote.</summary>
public sealed class SnapHttpResult(SnapResult result) : IResult
{
    public SnapResult Result { get; } = result;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        return CallerGone.TolerateAsync(httpContext, () =>
        {
            var response = httpContext.Response;
            response.StatusCode = Result.HttpStatus;
            response.ContentType = "application/json";
            foreach (var (name, value) in Result.Headers)
            {
                response.Headers[name] = value;
            }

            response.ContentLength = Result.Body.Length;
            return response.Body.WriteAsync(Result.Body, httpContext.RequestAborted).AsTask();
        });
    }
}
