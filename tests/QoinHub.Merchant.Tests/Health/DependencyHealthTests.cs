using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.Tests.Health;

/// <summary>The health check runner on its own: time-outs, concurrency, and what a failure may say.</summary>
public sealed class DependencyHealthTests
{
    [Fact]
    public async Task Check_that_ignores_cancellation_and_never_ends_is_down_within_the_timeout()
    {
        var never = new TaskCompletionSource<DependencyCheckResult>();
        var health = Health(TimeSpan.FromMilliseconds(300), new Check("stuck", _ => never.Task), new Check("fine", _ => Task.FromResult(DependencyCheckResult.Up())));

        var clock = Stopwatch.StartNew();
        var report = await health.CheckAsync(CancellationToken.None);
        clock.Stop();

        Assert.False(report.IsHealthy);
        var stuck = Assert.Single(report.Dependencies, d => d.Name == "stuck");
        Assert.Equal((false, "no answer within 300 ms"), (stuck.IsUp, stuck.Reason));
        Assert.True(Assert.Single(report.Dependencies, d => d.Name == "fine").IsUp);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Check_that_blocks_its_thread_before_answering_does_not_hold_up_the_answer()
    {
        using var release = new ManualResetEventSlim();
        var health = Health(TimeSpan.FromMilliseconds(300), new Check("blocking", _ =>
        {
            release.Wait(TimeSpan.FromSeconds(10), CancellationToken.None);
            return Task.FromResult(DependencyCheckResult.Up());
        }));

        var clock = Stopwatch.StartNew();
        var report = await health.CheckAsync(CancellationToken.None);
        clock.Stop();
        release.Set();

        Assert.Equal("no answer within 300 ms", Assert.Single(report.Dependencies).Reason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task Checks_run_at_the_same_time()
    {
        static Check Slow(string name) => new(name, async ct =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            return DependencyCheckResult.Up();
        });
        var health = Health(TimeSpan.FromSeconds(10), Slow("a"), Slow("b"), Slow("c"));

        var clock = Stopwatch.StartNew();
        var report = await health.CheckAsync(CancellationToken.None);
        clock.Stop();

        Assert.True(report.IsHealthy);
        Assert.Equal(["a", "b", "c"], report.Dependencies.Select(d => d.Name));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2.5), $"Three 1 s checks took {clock.Elapsed}: they ran one after another.");
        Assert.All(report.Dependencies, d => Assert.InRange(d.LatencyMs, 900, 2500));
    }

    [Fact]
    public async Task Failed_check_reports_and_logs_the_exception_type_never_its_message()
    {
        const string Secret = "https://acct.queue.core.windows.net/q?sv=2024&sig=c2VjcmV0LXNpZ25hdHVyZQ%3D%3D";
        var logger = new FakeLogger<DependencyHealth>();
        var health = Health(TimeSpan.FromSeconds(5), logger, new Check("queue", _ => throw new InvalidOperationException("Could not reach " + Secret)));

        var report = await health.CheckAsync(CancellationToken.None);

        var queue = Assert.Single(report.Dependencies);
        Assert.Equal((false, "InvalidOperationException"), (queue.IsUp, queue.Reason));
        var record = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Warning, LogEvents.HealthDependencyDown), (record.Level, record.Id.Id));
        Assert.Null(record.Exception);
        Assert.Contains("queue is down (InvalidOperationException)", record.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", record.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Up_check_keeps_its_note_and_a_down_check_its_reason_and_nothing_is_logged_when_all_are_up()
    {
        var logger = new FakeLogger<DependencyHealth>();
        var health = Health(TimeSpan.FromSeconds(5), logger, new Check("tables", _ => Task.FromResult(DependencyCheckResult.Up("not created yet"))));

        var report = await health.CheckAsync(CancellationToken.None);

        Assert.True(report.IsHealthy);
        Assert.Equal(new DependencyReport("tables", true, report.Dependencies[0].LatencyMs, null, "not created yet"), report.Dependencies[0]);
        Assert.Empty(logger.Collector.GetSnapshot());
    }

    [Fact]
    public async Task Caller_going_away_cancels_the_run()
    {
        var health = Health(TimeSpan.FromSeconds(30), new Check("slow", async ct =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return DependencyCheckResult.Up();
        }));
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => health.CheckAsync(caller.Token));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-00:00:01")]
    [InlineData("00:00:31")]
    public void Timeout_outside_zero_to_thirty_seconds_is_refused_naming_the_setting(string timeout)
    {
        var result = new SettingsValidation().Validate(null, new HealthOptions { Timeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) });

        Assert.True(result.Failed);
        Assert.Contains("Health:Timeout", result.FailureMessage, StringComparison.Ordinal);
    }

    private static DependencyHealth Health(TimeSpan timeout, params IDependencyCheck[] checks) =>
        Health(timeout, new FakeLogger<DependencyHealth>(), checks);

    private static DependencyHealth Health(TimeSpan timeout, FakeLogger<DependencyHealth> logger, params IDependencyCheck[] checks) =>
        new(checks, new StaticOptions(new HealthOptions { Timeout = timeout }), TimeProvider.System, logger);

    private sealed class Check(string name, Func<CancellationToken, Task<DependencyCheckResult>> check) : IDependencyCheck
    {
        public string Name => name;

        public Task<DependencyCheckResult> CheckAsync(CancellationToken cancellationToken) => check(cancellationToken);
    }

    private sealed class StaticOptions(HealthOptions value) : IOptionsMonitor<HealthOptions>
    {
        public HealthOptions CurrentValue => value;

        public HealthOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<HealthOptions, string?> listener) => null;
    }
}
