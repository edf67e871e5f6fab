namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// A clock the tests set, forwards or back (FakeTimeProvider only moves forward, and tests that
/// share one app each start from their own moment). The app only reads the time; it starts no timers.
/// </summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void SetUtcNow(DateTimeOffset moment) => Interlocked.Exchange(ref _utcTicks, moment.UtcTicks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);
}
