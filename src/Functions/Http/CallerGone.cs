namespace QoinHub.Merchant.Functions.Http;

/// <summary>
/// An answer nobody is left to read: the caller hung up (or, behind a host, the forwarded request
/// was cut) before it was written. Not a failure of ours, and not one of the function either: the
/// work was done and recorded; only the answer is lost, and the caller's retry gets it again.
/// </summary>
internal static class CallerGone
{
    public static async Task TolerateAsync(HttpContext httpContext, Func<Task> write)
    {
        if (httpContext.RequestAborted.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await write();
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // Nobody to answer.
        }
    }

    /// <summary><paramref name="result"/>, written unless the caller has gone.</summary>
    public static IResult Tolerating(IResult result) => new ToleratingResult(result);

    private sealed class ToleratingResult(IResult inner) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => TolerateAsync(httpContext, () => inner.ExecuteAsync(httpContext));
    }
}
