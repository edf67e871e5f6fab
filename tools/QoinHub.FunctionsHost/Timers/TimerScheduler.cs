namespace QoinHub.FunctionsHost.Timers;

/// <summary>
/// Runs timer functions on their NCRONTAB schedules (UTC), a schedule given as <c>%setting%</c>
/// resolved from the app settings. As the real host: one run of a function at a time (a tick that
/// comes while the last run is still going is skipped), <c>runOnStartup</c> honoured, and a
/// function whose schedule does not resolve or parse is reported and not run.
/// </summary>
internal sealed class TimerScheduler(FunctionsHost host, HostOutput output) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly Dictionary<string, CronSchedule> _schedules = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Task> _loops = [];

    /// <summary>Schedules <paramref name="function"/> (runs it only when <paramref name="run"/>); its schedule is checked either way.</summary>
    public void Add(LoadedFunction function, bool run)
    {
        var expression = function.Schedule is null ? null : HostSettings.Resolve(function.Schedule, host.Settings, out var unresolved) ?? Unresolved(function, unresolved!);
        if (expression is null)
        {
            return;
        }

        CronSchedule schedule;
        try
        {
            schedule = CronSchedule.Parse(expression);
        }
        catch (FormatException exception)
        {
            output.Host($"The '{function.Name}' function is in error: {exception.Message}");
            return;
        }

        _schedules[function.Name] = schedule;
        if (run)
        {
            _loops.Add(Task.Run(() => RunAsync(function, schedule, _stopping.Token)));
        }
        else
        {
            output.Host($"{function.Name}: schedule {schedule} (not run on it: timers are off; POST /admin/functions/{function.Name} runs it)");
        }
    }

    /// <summary>The next time <paramref name="function"/> is due after <paramref name="after"/>, if it has a valid schedule.</summary>
    public DateTimeOffset? NextAfter(LoadedFunction function, DateTimeOffset after) =>
        _schedules.TryGetValue(function.Name, out var schedule) ? schedule.NextAfter(after) : null;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
        }

        _stopping.Dispose();
    }

    private string? Unresolved(LoadedFunction function, string name)
    {
        output.Host($"The '{function.Name}' function is in error: '%{name}%' does not resolve to a value (set the app setting {name}).");
        return null;
    }

    private async Task RunAsync(LoadedFunction function, CronSchedule schedule, CancellationToken stopping)
    {
        var next = schedule.NextAfter(DateTimeOffset.UtcNow);
        output.Host($"{function.Name}: schedule {schedule}, next run {next:yyyy-MM-dd HH:mm:ss}Z");
        if (function.RunOnStartup)
        {
            await host.InvokeTimerAsync(function, DateTimeOffset.UtcNow, next, stopping);
        }

        while (!stopping.IsCancellationRequested && next is { } due)
        {
            var wait = due - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            // The run is awaited: a tick that falls while it still runs is skipped.
            next = schedule.NextAfter(DateTimeOffset.UtcNow);
            try
            {
                await host.InvokeTimerAsync(function, due, next, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            next = schedule.NextAfter(DateTimeOffset.UtcNow);
        }
    }
}
