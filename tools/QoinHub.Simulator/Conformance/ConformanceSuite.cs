using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Conformance;

/// <summary>Runs the checks in order (token, notification, queue) and reports each result as it comes.</summary>
public static class ConformanceSuite
{
    public static IReadOnlyList<ConformanceCheck> Checks { get; } = [.. TokenChecks.All, .. NotificationChecks.All, .. QueueChecks.All];

    public static async Task<IReadOnlyList<(ConformanceCheck Check, CheckResult Result)>> RunAsync(
        ConformanceContext context,
        Action<int, ConformanceCheck, CheckResult> onResult,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(onResult);
        context.Start(cancellationToken);
        var results = new List<(ConformanceCheck, CheckResult)>(Checks.Count);
        foreach (var check in Checks)
        {
            CheckResult result;
            try
            {
                result = await check.RunAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (AccessTokenRefusedException exception)
            {
                result = CheckResult.Failed("-", exception.Response?.Outcome ?? "-", "could not obtain the access token the check needs: " + exception.Message);
            }
            catch (Exception exception) when (exception is Azure.RequestFailedException or AggregateException)
            {
                // The Azure SDK reports a failed request, or an AggregateException once its retries are used up.
                result = CheckResult.Failed("-", "-", "could not read the queue: " + exception.Message);
            }

            results.Add((check, result));
            onResult(results.Count, check, result);
        }

        return results;
    }
}
