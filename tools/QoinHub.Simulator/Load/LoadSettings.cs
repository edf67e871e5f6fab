namespace QoinHub.Simulator.Load;

/// <summary>
/// How much load: stop after <see cref="Count"/> requests or after <see cref="Duration"/>,
/// whichever comes first; <see cref="DuplicateShare"/> of the requests (0 to 1) resend an
/// earlier notification unchanged, as a QoinHub retry would.
/// </summary>
public sealed record LoadSettings(int? Count, TimeSpan? Duration, int Concurrency, double DuplicateShare)
{
    /// <summary>True when request number <paramref name="index"/> (from 0) is a duplicate: spread evenly, exactly round(count × share) of them.</summary>
    public bool IsDuplicate(long index) => Math.Floor((index + 1) * DuplicateShare) > Math.Floor(index * DuplicateShare);
}
