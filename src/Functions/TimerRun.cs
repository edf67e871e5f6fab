namespace QoinHub.Merchant.Functions;

/// <summary>
/// One run of a timer function: its outcome in one line, as the host's invocation log shows it (a
/// run that did nothing is reported too, so an operator sees the timer fire); a failure is logged
/// once with the app's event id and rethrown, so the host records the invocation as failed.
/// </summary>
internal static partial class TimerRun
{
    public static async Task RunAsync<T>(string function, ILogger logger, Func<CancellationToken, Task<T>> run, Func<T, string> describe, CancellationToken cancellationToken)
    {
        try
        {
            // Once a tick: the text is made whether or not the line is logged.
            var outcome = describe(await run(cancellationToken));
            LogRan(logger, outcome);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            LogFailed(logger, function, exception);
            throw;
        }
    }

    [LoggerMessage(EventId = LogEvents.TimerFunctionRan, Level = LogLevel.Information, Message = "{Outcome}")]
    private static partial void LogRan(ILogger logger, string outcome);

    [LoggerMessage(EventId = LogEvents.TimerFunctionFailed, Level = LogLevel.Error, Message = "Timer function {Function} failed; it runs again on its next tick")]
    private static partial void LogFailed(ILogger logger, string function, Exception exception);
}
