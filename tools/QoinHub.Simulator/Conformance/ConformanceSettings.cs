namespace QoinHub.Simulator.Conformance;

/// <summary>Options of a conformance run.</summary>
/// <param name="MaxBodyBytes">The app's body limit; the oversized checks send one byte more.</param>
/// <param name="Queue">The app's local queue, for the queue checks; null skips them.</param>
public sealed record ConformanceSettings(int MaxBodyBytes = ConformanceSettings.DefaultMaxBodyBytes, QueueAccess? Queue = null)
{
    public const int DefaultMaxBodyBytes = 65536;

    /// <summary>Longest token lifetime the expired-token check waits out.</summary>
    public static TimeSpan ExpiredTokenWaitLimit { get; } = TimeSpan.FromSeconds(15);

    /// <summary>How far the stale and future timestamps lie from now: well outside any sensible window.</summary>
    public static TimeSpan Skew { get; } = TimeSpan.FromHours(1);
}

/// <summary>The local Storage Queue the app publishes to, for the optional queue checks.</summary>
public sealed record QueueAccess(string ConnectionString, string QueueName);
