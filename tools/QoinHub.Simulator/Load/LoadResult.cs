using QoinHub.Simulator.Conformance;

namespace QoinHub.Simulator.Load;

/// <summary>What a load run measured.</summary>
public sealed record LoadResult(
    long Requests,
    long Duplicates,
    TimeSpan Elapsed,
    LatencySummary Latency,
    IReadOnlyDictionary<string, long> Answers,
    int TokensObtained,
    IReadOnlyList<SentNotification> Accepted)
{
    public long Distinct => Requests - Duplicates;

    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>True when every request was answered <c>200 2005600</c>.</summary>
    public bool AllAccepted => Answers.Count == 1 && Answers.TryGetValue(AcceptedOutcome, out var accepted) && accepted == Requests;

    public const string AcceptedOutcome = "200 " + NotificationLedger.AcceptedCode;
}
