namespace QoinHub.OperatorTool.Tests.Infrastructure;

/// <summary>A clock the tests set, back as well as forward: seeding writes records "days ago", the tool then reads them "now".</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    public void SetUtcNow(DateTimeOffset moment) => Interlocked.Exchange(ref _utcTicks, moment.UtcTicks);
}
