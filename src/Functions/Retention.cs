using Microsoft.Azure.Functions.Worker;
using QoinHub.Merchant.Retention;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// Deletes expired tokens and old published notifications, on the schedule in the app setting
/// <c>RetentionSchedule</c> (NCRONTAB, UTC; shipped as daily at 19:30 UTC, 02:30 Asia/Jakarta).
/// </summary>
public sealed class Retention(RetentionJob retention, ILogger<Retention> logger)
{
    /// <summary>The app setting that holds the schedule.</summary>
    public const string ScheduleSetting = "RetentionSchedule";

    [Function(nameof(Retention))]
    public Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        TimerRun.RunAsync(
            nameof(Retention),
            logger,
            ct => retention.RunOnceAsync(preview: false, ct),
            run => $"retention: deleted {run.Tokens} token rows, {run.Records} notification records, {run.ExternalIds} external-id rows (complete: {run.Complete})",
            cancellationToken);
}
