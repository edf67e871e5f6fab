namespace QoinHub.Simulator.Conformance;

/// <summary>Options of a conformance run.</summary>
/// <param name="MaxBodyBytes">The app's body limit; the oversized checks send one byte more.</param>
/// <param name="ExpiredTokenMaxWait">Longest token lifetime the expired-token check waits out.</param>
/// <param name="SkewOutsideWindow">How far the stale and future timestamps lie from now.</param>
public sealed record ConformanceSettings(
    int MaxBodyBytes = ConformanceSettings.DefaultMaxBodyBytes,
    TimeSpan? ExpiredTokenMaxWait = null,
    TimeSpan? SkewOutsideWindow = null,
    QueueAccess? Queue = null)
{
    public const int DefaultMaxBodyBytes = 65536;

    public TimeSpan ExpiredTokenWaitLimit => ExpiredTokenMaxWait ?? TimeSpan.FromSeconds(15);

    public TimeSpan Skew => SkewOutsideWindow ?? TimeSpan.FromHours(1);
}

/// <summary>The local Storage Queue the app publishes to, for the optional queue checks.</summary>
public sealed record QueueAccess(string ConnectionString, string QueueName);
