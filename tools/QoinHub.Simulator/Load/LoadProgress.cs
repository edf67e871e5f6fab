namespace QoinHub.Simulator.Load;

/// <summary>A snapshot while the load runs: answers so far, those that were not 2005600, elapsed time.</summary>
public sealed record LoadProgress(long Completed, long NotAccepted, TimeSpan Elapsed)
{
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Completed / Elapsed.TotalSeconds : 0;
}
