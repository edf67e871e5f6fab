using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QoinHub.Merchant.Health;

/// <summary>
/// Runs every registered <see cref="IDependencyCheck"/> at the same time, each limited to
/// <c>Health:Timeout</c>: a check still running then counts as down, so a hung dependency makes the
/// answer "unhealthy" within the time-out instead of a hung probe. A failed check is logged as a
/// warning with the dependency's name and the short reason, never an exception message (which may
/// quote an address carrying a SAS, a key or a token).
/// </summary>
public sealed partial class DependencyHealth(
    IEnumerable<IDependencyCheck> checks,
    IOptionsMonitor<HealthOptions> options,
    TimeProvider timeProvider,
    ILogger<DependencyHealth> logger)
{
    private readonly IDependencyCheck[] _checks = [.. checks];

    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the caller went away).</exception>
    public async Task<HealthReport> CheckAsync(CancellationToken cancellationToken)
    {
        var timeout = options.CurrentValue.Timeout;
        var checkedAt = timeProvider.GetUtcNow();
        var reports = await Task.WhenAll(_checks.Select(check => RunAsync(check, timeout, cancellationToken))).ConfigureAwait(false);
        return new HealthReport(checkedAt, reports);
    }

    private async Task<DependencyReport> RunAsync(IDependencyCheck check, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var deadline = new CancellationTokenSource(timeout, timeProvider);
        var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);

        // Task.Run: a check that blocks before its first await must not hold up the others.
        var running = Task.Run(() => check.CheckAsync(linked.Token), CancellationToken.None);

        // The token sources live as long as the check, which may outlast the wait below if it ignores cancellation.
        _ = running.ContinueWith(
            static (finished, state) =>
            {
                _ = finished.Exception;
                foreach (var source in (CancellationTokenSource[])state!)
                {
                    source.Dispose();
                }
            },
            new[] { linked, deadline },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

        DependencyCheckResult result;
        try
        {
            result = await running.WaitAsync(timeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            result = DependencyCheckResult.Down($"no answer within {timeout.TotalMilliseconds:0} ms");
        }
        catch (Exception exception)
        {
            // The type only: the message may quote an address with a SAS, a key or a token.
            result = DependencyCheckResult.Down(exception.GetType().Name);
        }

        var latencyMs = (long)timeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (result.IsUp)
        {
            return new DependencyReport(check.Name, IsUp: true, latencyMs, Reason: null, result.Note);
        }

        var reason = string.IsNullOrWhiteSpace(result.Reason) ? "down" : result.Reason;
        LogDependencyDown(logger, check.Name, reason, latencyMs);
        return new DependencyReport(check.Name, IsUp: false, latencyMs, reason, Note: null);
    }

    [LoggerMessage(EventId = LogEvents.HealthDependencyDown, Level = LogLevel.Warning,
        Message = "Health check: {Dependency} is down ({Reason}) after {LatencyMs} ms")]
    private static partial void LogDependencyDown(ILogger logger, string dependency, string reason, long latencyMs);
}
