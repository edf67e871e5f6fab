using System.Text.Json.Nodes;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// Optional checks on the local Storage Queue after all notifications were sent: each accepted
/// notification arrived once, nothing refused arrived, and the envelope carries the notification
/// unchanged and no secret.
/// </summary>
public static class QueueChecks
{
    private const string NeedsQueue = "needs access to the queue: pass --queue-connection-string <cs> --queue-name <name> (local Storage Queue)";

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        new("queue.accepted-published-once", "Each accepted notification is on the queue exactly once", (context, ct) =>
            WithMessagesAsync(context, "each accepted once", (messages, accepted) =>
            {
                var counts = Count(messages);
                var wrong = accepted
                    .Select(sent => (sent.ExternalId, Count: counts.GetValueOrDefault((sent.PartnerId, sent.ExternalId))))
                    .Where(found => found.Count != 1)
                    .Select(found => $"{found.ExternalId} ×{found.Count}")
                    .ToList();
                return (wrong.Count == 0, $"{accepted.Count - wrong.Count} of {accepted.Count} once", wrong);
            }, ct)),
        new("queue.refused-not-published", "No refused notification reached the queue", (context, ct) =>
            WithMessagesAsync(context, "none", (messages, _) =>
            {
                var refused = context.Ledger.NeverAccepted.ToHashSet();
                var wrong = messages
                    .Where(message => refused.Contains((message.PartnerId ?? string.Empty, message.ExternalId ?? string.Empty)))
                    .Select(message => $"{message.ExternalId}")
                    .ToList();
                return (wrong.Count == 0, wrong.Count == 0 ? "none" : $"{wrong.Count} published", wrong);
            }, ct)),
        new("queue.envelope-carries-notification", "Envelope ids match the headers, the notification is unchanged, no secret inside", (context, ct) =>
            WithMessagesAsync(context, "all match", (messages, accepted) =>
            {
                var byId = messages
                    .Where(message => message.PartnerId is not null && message.ExternalId is not null)
                    .GroupBy(message => (message.PartnerId!, message.ExternalId!))
                    .ToDictionary(group => group.Key, group => group.First());
                var wrong = new List<string>();
                foreach (var sent in accepted)
                {
                    if (!byId.TryGetValue((sent.PartnerId, sent.ExternalId), out var message))
                    {
                        continue; // Reported by queue.accepted-published-once.
                    }

                    if (string.IsNullOrEmpty(message.MessageId))
                    {
                        wrong.Add($"{sent.ExternalId}: no messageId");
                    }

                    if (message.ChannelId != sent.ChannelId)
                    {
                        wrong.Add($"{sent.ExternalId}: channelId '{message.ChannelId}', sent '{sent.ChannelId}'");
                    }

                    if (!JsonNode.DeepEquals(message.Notification, sent.Body))
                    {
                        wrong.Add($"{sent.ExternalId}: the notification differs from the body sent");
                    }

                    if (context.Sensitive.FindIn(message.Text) is not null)
                    {
                        wrong.Add($"{sent.ExternalId}: the message contains a token, signature or secret");
                    }
                }

                return (wrong.Count == 0, wrong.Count == 0 ? "all match" : $"{wrong.Count} problems", wrong);
            }, ct)),
    ];

    private delegate (bool Passed, string Actual, IReadOnlyList<string> Problems) Judgement(
        IReadOnlyList<PublishedMessage> messages, IReadOnlyList<SentNotification> accepted);

    private static async Task<CheckResult> WithMessagesAsync(ConformanceContext context, string expected, Judgement judge, CancellationToken cancellationToken)
    {
        if (context.Settings.Queue is not { } queue)
        {
            return CheckResult.Skipped(expected, NeedsQueue);
        }

        var messages = await context.ReadQueueOnceAsync(queue, cancellationToken).ConfigureAwait(false);
        var (passed, actual, problems) = judge(messages, context.Ledger.Accepted);
        return passed
            ? new CheckResult(CheckOutcome.Passed, expected, actual, $"{messages.Count} messages on {queue.QueueName}")
            : CheckResult.Failed(expected, actual, string.Join("; ", problems.Take(10)) + (problems.Count > 10 ? $"; and {problems.Count - 10} more" : string.Empty));
    }

    private static Dictionary<(string, string), int> Count(IEnumerable<PublishedMessage> messages) =>
        messages
            .GroupBy(message => (message.PartnerId ?? string.Empty, message.ExternalId ?? string.Empty))
            .ToDictionary(group => group.Key, group => group.Count());
}
