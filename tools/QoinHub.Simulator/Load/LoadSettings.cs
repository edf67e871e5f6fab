namespace QoinHub.Simulator.Load;

/// <summary>
/// How much load: stop after <see cref="Count"/> requests or after <see cref="Duration"/>,
/// whichever comes first; <see cref="DuplicateShare"/> of the requests (0 to 1) resend an
/// earlier notification unchanged, as a QoinHub retry would.
/// </summary>
public sealed record LoadSettings(int? Count, TimeSpan? Duration, int Concurrency, double DuplicateShare)
{
    /// <summary>
    /// A notification answered 5xx (or not at all) is sent again with the same <c>X-EXTERNAL-ID</c>
    /// and body up to a number of times drawn per notification from 0 to this (0: never retried).
    /// Retries come on top of <see cref="Count"/> and may run past <see cref="Duration"/>.
    /// </summary>
    public int MaxRetries { get; init; }

    /// <summary>The pause before each retry, and before asking again for a token the endpoint refused.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Seeds the per-notification retry draws, so a run's retry pattern can be repeated.</summary>
    public int Seed { get; init; }

    /// <summary>Keep every notification's answers for <see cref="LoadResult.Notifications"/>.</summary>
    public bool RecordNotifications { get; init; }

    /// <summary>True when request number <paramref name="index"/> (from 0) is a duplicate: spread evenly, exactly round(count × share) of them.</summary>
    public bool IsDuplicate(long index) => Math.Floor((index + 1) * DuplicateShare) > Math.Floor(index * DuplicateShare);
}
