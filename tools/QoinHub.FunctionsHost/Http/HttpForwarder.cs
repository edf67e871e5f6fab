using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using QoinHub.FunctionsHost.Rpc;

namespace QoinHub.FunctionsHost.Http;

/// <summary>
/// Runs one HTTP function as the real host does with a worker that uses the ASP.NET Core
/// integration: an <see cref="InvocationRequest"/> over gRPC (the trigger binding with the method
/// and URL, and the caller's trace context), and the request itself forwarded, streamed, to the
/// worker's <c>HttpUri</c> with the header <c>x-ms-invocation-id</c>, which the worker pairs with
/// the invocation. The worker's answer is streamed back as it comes.
/// </summary>
internal sealed class HttpForwarder(HostOutput output) : IDisposable
{
    public const string InvocationIdHeader = "x-ms-invocation-id";

    /// <summary>Headers that belong to one connection and are not forwarded (RFC 9110, 7.6.1), and Host (the worker's address is the target).</summary>
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host", "Expect", InvocationIdHeader,
    };

    private readonly HttpMessageInvoker _worker = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ActivityHeadersPropagator = null,

        // Header values go on as Kestrel read them (as UTF-8): the worker judges them, not this proxy.
        RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8,
        ResponseHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8,
    });

    public async Task ForwardAsync(HttpContext context, LoadedFunction function, WorkerChannel channel, Uri? httpUri)
    {
        if (httpUri is null)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var request = context.Request;
        var invocationId = Guid.NewGuid().ToString();
        var invocation = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            TraceContext = TraceContextOf(request),
        };
        var url = $"{request.Scheme}://{request.Host}{request.PathBase}{request.Path}{request.QueryString}";
        invocation.InputData.Add(new ParameterBinding
        {
            Name = function.TriggerParameter,
            Data = new TypedData { Http = new RpcHttp { Method = request.Method, Url = url } },
        });

        Task<StreamingMessage> outcome;
        try
        {
            outcome = channel.Expect(WorkerChannel.KeyOf(StreamingMessage.ContentOneofCase.InvocationResponse, invocationId));
            channel.Send(new StreamingMessage { InvocationRequest = invocation });
        }
        catch (WorkerGoneException)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        _ = outcome.ContinueWith(answer => Report(function, invocationId, answer), TaskScheduler.Default);

        var body = new CallersBody(request.Body);
        using var forwarded = Forwarded(request, body, new Uri(httpUri, request.Path.Value + request.QueryString.Value));
        forwarded.Headers.TryAddWithoutValidation(InvocationIdHeader, invocationId);
        HttpResponseMessage response;
        try
        {
            response = await _worker.SendAsync(forwarded, context.RequestAborted);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or IOException)
        {
            // The caller went away, the caller's body did not arrive whole (the worker then saw it
            // cut short), or the worker did not answer. As a proxy does: 400 for the caller's
            // fault, 502 for the worker's, nothing once the caller has gone.
            if (context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            var callersFault = body.Fault ?? FindCallersBodyFault(exception);
            output.Host(callersFault is null
                ? $"Forwarding a call of '{function.Name}' to the worker failed: {exception.GetBaseException().Message}"
                : $"The body of a call of '{function.Name}' did not arrive whole: {callersFault.Message}");
            context.Response.StatusCode = callersFault is null ? StatusCodes.Status502BadGateway : StatusCodes.Status400BadRequest;
            context.Response.Headers.Connection = "close";
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            CopyHeaders(response.Headers, context.Response.Headers);
            CopyHeaders(response.Content.Headers, context.Response.Headers);
            context.Response.Headers.Remove("Transfer-Encoding");
            try
            {
                await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            }
            catch (Exception exception) when (exception is IOException or OperationCanceledException or HttpRequestException)
            {
                context.Abort();
            }
        }
    }

    public void Dispose() => _worker.Dispose();

    private static HttpRequestMessage Forwarded(HttpRequest request, CallersBody body, Uri target)
    {
        var forwarded = new HttpRequestMessage(new HttpMethod(request.Method), target) { Version = System.Net.HttpVersion.Version11 };
        // A body as the caller framed it: its declared length, or chunked when it declared none.
        if (request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0))
        {
            forwarded.Content = new StreamContent(body);
            if (request.ContentLength is { } length)
            {
                forwarded.Content.Headers.ContentLength = length;
            }

            // The worker may answer before it reads the body (a declared length over its limit): with
            // Expect: 100-continue the body is sent only once the worker starts reading it, so that
            // answer reaches the caller at once instead of after the caller's whole body (or never).
            forwarded.Headers.ExpectContinue = true;
        }

        foreach (var (name, values) in request.Headers)
        {
            if (HopByHop.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!forwarded.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                forwarded.Content ??= new ByteArrayContent([]);
                forwarded.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        return forwarded;
    }

    private static void CopyHeaders(HttpHeaders from, IHeaderDictionary to)
    {
        foreach (var (name, values) in from)
        {
            if (!HopByHop.Contains(name))
            {
                to[name] = values.ToArray();
            }
        }
    }

    /// <summary>The caller's <c>traceparent</c> (and <c>tracestate</c>), passed on as the invocation's trace context; empty when it sent none.</summary>
    private static RpcTraceContext TraceContextOf(HttpRequest request)
    {
        var context = new RpcTraceContext();
        if (request.Headers.TryGetValue("traceparent", out var traceParent) && traceParent.Count == 1
            && ActivityContext.TryParse(traceParent[0], request.Headers.TryGetValue("tracestate", out var state) ? state.ToString() : null, out _))
        {
            context.TraceParent = traceParent[0];
            context.TraceState = request.Headers.TryGetValue("tracestate", out var traceState) ? traceState.ToString() : string.Empty;
        }

        return context;
    }

    /// <summary>Kestrel's own verdict on the caller's body (cut short, malformed chunks, too slow, too large), if that is what broke the forward.</summary>
    private static BadHttpRequestException? FindCallersBodyFault(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is BadHttpRequestException bad)
            {
                return bad;
            }
        }

        return null;
    }

    private void Report(LoadedFunction function, string invocationId, Task<StreamingMessage> answer)
    {
        if (answer.IsCompletedSuccessfully && answer.Result.InvocationResponse.Result is { Status: not StatusResult.Types.Status.Success } result)
        {
            output.Host($"Executed '{function.Name}' (Failed, Id={invocationId}): {result.Exception?.Message ?? result.Result}");
        }
    }
}
