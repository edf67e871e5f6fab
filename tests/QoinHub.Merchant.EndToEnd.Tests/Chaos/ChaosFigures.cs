using System.Globalization;

namespace QoinHub.Merchant.EndToEnd.Tests.Chaos;

/// <summary>
/// What a chaos run sent, what the ledger recorded and what reached the queue, matched by payment
/// fact (<c>originalReferenceNo</c>, <c>latestTransactionStatus</c>: one message id): the figures to
/// print and the invariants that must hold.
/// </summary>
internal sealed class ChaosFigures(IReadOnlyList<SentNotification> sent, IReadOnlyList<LedgerRecord> records, IReadOnlyList<QueuedMessage> queue, int relayPublished)
{
    private readonly HashSet<(string, string)> _recorded = [.. records.Select(record => record.Fact)];
    private readonly HashSet<(string, string)> _queued = [.. queue.Select(message => message.Fact)];

    public int Requests => sent.Sum(notification => notification.Answers.Count);

    /// <summary>Answers that were 5xx or no answer at all.</summary>
    public int FailedAnswers => sent.Sum(notification => notification.Answers.Count(answer => answer == "no answer" || answer.StartsWith('5')));

    public string Describe()
    {
        var neverRetried = sent.Where(notification => notification.Failed && !notification.Retried).ToList();
        var neverRetriedRecorded = neverRetried.Count(notification => _recorded.Contains(notification.Fact));
        var distinctIds = queue.Select(message => message.MessageId).Distinct(StringComparer.Ordinal).Count();
        return string.Create(CultureInfo.InvariantCulture,
            $"sent: {sent.Count} notifications ({sent.Count(n => n.Duplicate)} duplicates) in {Requests} requests; " +
            $"answered 2xx: {sent.Count(n => n.Accepted)}; 5xx (or no answer): {FailedAnswers} answers; " +
            $"retried: {sent.Count(n => n.Retried)} notifications ({sent.Sum(n => n.Answers.Count - 1)} retries), {sent.Count(n => n.Failed && n.Retried)} still 5xx after retrying; " +
            $"never-retried 5xx: {neverRetried.Count} ({neverRetriedRecorded} recorded by the ledger, which the relay must publish; {neverRetried.Count - neverRetriedRecorded} never recorded); " +
            $"other answers: {sent.Count(n => !n.Accepted && !n.Failed)}\n" +
            $"ledger: {records.Count} records, {records.Count(r => r.State == "Published")} published; relay published {relayPublished}; " +
            $"queue: {queue.Count} messages, {distinctIds} distinct message ids, {queue.Count - distinctIds} duplicates (at least once)");
    }

    /// <summary>The invariants that do not hold, each as a sentence.</summary>
    public List<string> Broken(int pendingMarkersAfterDrain)
    {
        var broken = new List<string>();
        var sentFacts = sent.Select(notification => notification.Fact).ToHashSet();
        if (pendingMarkersAfterDrain > 0)
        {
            broken.Add($"{pendingMarkersAfterDrain} records still pending after the drain");
        }

        broken.AddRange(records.Where(record => record.State != "Published").Take(10).Select(record => $"record {record.MessageId} ({record.OriginalReferenceNo}) ends {record.State}"));
        broken.AddRange(sent.Where(n => !n.Accepted && !n.Failed).Take(10).Select(n => $"{n.ExternalId} was answered {n.Final}: every request was valid"));
        broken.AddRange(sent.Where(n => n.Accepted && !_queued.Contains(n.Fact)).Take(10).Select(n => $"{n.ExternalId} ({n.OriginalReferenceNo}) was answered 2xx but is not on the queue"));
        broken.AddRange(records.Where(r => !_queued.Contains(r.Fact)).Take(10).Select(r => $"{r.OriginalReferenceNo} was recorded ({r.State}) but is not on the queue"));
        broken.AddRange(queue.Where(m => !_recorded.Contains(m.Fact) || !sentFacts.Contains(m.Fact)).Take(10).Select(m => $"{m.MessageId} ({m.OriginalReferenceNo}) is on the queue without a ledger record or a sent notification"));

        // A duplicate may only be the same stored message published again, never a second version of it.
        foreach (var group in queue.GroupBy(message => message.MessageId, StringComparer.Ordinal).Where(group => group.Select(m => m.Envelope).Distinct(StringComparer.Ordinal).Count() > 1).Take(10))
        {
            broken.Add($"{group.Key} is on the queue {group.Count()} times with different envelopes");
        }

        return broken;
    }
}
