using Microsoft.Azure.Functions.Worker;
using Relay = QoinHub.Merchant.Notifications.OutboxRelay;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// Publishes recorded notifications that no request published, on the schedule in the app setting
/// <c>OutboxRelaySchedule</c> (NCRONTAB, UTC; shipped as every minute).
/// </summary>
public sealed class OutboxRelay(Relay relay, ILogger<OutboxRelay> logger)
{
    /// <summary>The app setting that holds the schedule.</summary>
    public const string ScheduleSetting = "OutboxRelaySchedule";

    [Function(nameof(OutboxRelay))]
    public Task RunAsync([TimerTrigger("%" + ScheduleSetting + "%")] TimerInfo timer, CancellationToken cancellationToken) =>
        TimerRun.RunAsync(
            nameof(OutboxRelay),
            logger,
            relay.RunOnceAsync,
            run => $"relay: {run.Pending} pending past the relay age, {run.Published} published, {run.Failed} failed, {run.Skipped} skipped, {run.Orphans} orphan markers removed, " +
                $"{run.Tampered} refused (failed the integrity check), {run.NotDue} not due yet",
            cancellationToken);
}
