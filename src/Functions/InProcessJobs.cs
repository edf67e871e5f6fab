using Microsoft.Extensions.Options;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Retention;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// When the app runs on its own (no Functions host to fire the timer functions), it runs the same
/// work itself: the outbox relay every <c>Outbox:RelayInterval</c> and retention every
/// <c>Retention:Interval</c>. A zero or negative interval turns that job off. Under the Functions
/// host (<c>FUNCTIONS_CUSTOMHANDLER_PORT</c> set) this does nothing: the timer functions run there.
/// </summary>
public sealed partial class InProcessJobs(
    IServiceProvider services,
    IConfiguration configuration,
    IOptionsMonitor<OutboxOptions> outbox,
    IOptionsMonitor<RetentionOptions> retention,
    ILogger<InProcessJobs> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!string.IsNullOrEmpty(configuration["FUNCTIONS_CUSTOMHANDLER_PORT"]))
        {
            return Task.CompletedTask;
        }

        return Task.WhenAll(
            RepeatAsync("relay", () => outbox.CurrentValue.RelayInterval, ct => services.GetRequiredService<OutboxRelay>().RunOnceAsync(ct), stoppingToken),
            RepeatAsync("retention", () => retention.CurrentValue.Interval, ct => services.GetRequiredService<RetentionJob>().RunOnceAsync(preview: false, ct), stoppingToken));
    }

    private async Task RepeatAsync(string job, Func<TimeSpan> interval, Func<CancellationToken, Task> run, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested && interval() > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(interval(), stoppingToken);
                await run(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFailed(logger, job, exception);
            }
        }
    }

    [LoggerMessage(EventId = LogEvents.InProcessJobFailed, Level = LogLevel.Error, Message = "In-process {Job} run failed; it runs again after its interval")]
    private static partial void LogFailed(ILogger logger, string job, Exception exception);
}
