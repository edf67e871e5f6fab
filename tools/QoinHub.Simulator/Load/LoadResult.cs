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
    /// <summary>Requests that sent a notification again after a 5xx or no answer (<see cref="LoadSettings.MaxRetries"/>).</summary>
    public long Retries { get; init; }

    /// <summary>Token requests the endpoint did not answer with a token (only counted, and waited out, when retrying).</summary>
    public long TokenRefusals { get; init; }

    /// <summary>Notifications (originals and duplicates, not retries) whose last answer was 200 2005600, 5xx or none after retries, 5xx or none and never retried, or anything else.</summary>
    public FinalAnswers Finals { get; init; } = new(0, 0, 0, 0);

    /// <summary>Every notification and its answers, when <see cref="LoadSettings.RecordNotifications"/>.</summary>
    public IReadOnlyList<NotificationOutcome> Notifications { get; init; } = [];

    public long Distinct => Requests - Duplicates - Retries;

    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? Requests / Elapsed.TotalSeconds : 0;

    /// <summary>True when every request was answered <c>200 2005600</c>.</summary>
    public bool AllAccepted => Answers.Count == 1 && Answers.TryGetValue(AcceptedOutcome, out var accepted) && accepted == Requests;

    public const string AcceptedOutcome = "200 " + NotificationLedger.AcceptedCode;
}

/// <summary>How notifications ended: accepted, failing after retries, failing and never retried, anything else (4xx).</summary>
public sealed record FinalAnswers(long Accepted, long FailedAfterRetries, long FailedNeverRetried, long Other);
