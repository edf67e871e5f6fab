namespace QoinHub.Simulator.Load;

/// <summary>
/// One notification of a load run and every answer it got, first try and retries in order
/// (<c>--notifications-out</c>, one JSON object per line). <see cref="Final"/> is the last answer.
/// </summary>
/// <param name="Duplicate">A resend of an earlier notification (<c>--duplicates</c>), not a retry.</param>
/// <param name="RetriesAllowed">How many retries this notification was allowed (drawn from 0 to <c>--retries</c>).</param>
public sealed record NotificationOutcome(
    string PartnerId,
    string ExternalId,
    string ChannelId,
    string OriginalReferenceNo,
    string LatestTransactionStatus,
    bool Duplicate,
    int RetriesAllowed,
    IReadOnlyList<string> Answers,
    string Final)
{
    /// <summary>5xx or no answer: QoinHub retries these.</summary>
    public static bool IsRetriable(int status, string? transportError) => transportError is not null || status >= 500;
}
