using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using QoinHub.Simulator.Conformance;

namespace QoinHub.Simulator.Queues;

/// <summary>
/// What <c>queue peek</c>, <c>queue count</c> and <c>queue drain</c> do to a Storage queue: look
/// without changing anything, count, or empty it message by message.
/// </summary>
public sealed class QueueInspector(QueueClient client)
{
    /// <summary>Most messages one peek returns: a Storage queue limit.</summary>
    public const int PeekLimit = 32;

    /// <summary>
    /// How long a message drain has received stays hidden before it is deleted: if the drain dies in
    /// between, the message comes back soon instead of being lost.
    /// </summary>
    private static readonly TimeSpan DrainHold = TimeSpan.FromSeconds(30);

    public string QueueName => client.Name;

    public string AccountName => client.AccountName;

    public static QueueInspector For(QueueAccess access) => new(QueueClients.Create(access));

    public async Task<bool> ExistsAsync(CancellationToken cancellationToken) =>
        await client.ExistsAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Up to <paramref name="max"/> (at most <see cref="PeekLimit"/>) messages from the front of the
    /// queue. Peeking neither hides a message from its consumers nor counts as a dequeue.
    /// </summary>
    public async Task<IReadOnlyList<InspectedMessage>> PeekAsync(int max, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(max, PeekLimit);
        PeekedMessage[] peeked = await client.PeekMessagesAsync(max, cancellationToken).ConfigureAwait(false);
        return [.. peeked.Select(message => new InspectedMessage(
            message.MessageId, message.InsertedOn, message.DequeueCount, PublishedMessage.Decode(message.Body.ToString())))];
    }

    /// <summary>The queue's approximate message count, as Storage reports it (it includes hidden messages).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        QueueProperties properties = await client.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
        return properties.ApproximateMessagesCount;
    }

    /// <summary>
    /// Receives every message and deletes it once <paramref name="onEach"/> has seen it, until a
    /// receive comes back empty; returns how many were deleted.
    /// </summary>
    public async Task<int> DrainAsync(Action<InspectedMessage> onEach, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onEach);
        var drained = 0;
        while (true)
        {
            QueueMessage[] batch = await client.ReceiveMessagesAsync(PeekLimit, DrainHold, cancellationToken).ConfigureAwait(false);
            if (batch.Length == 0)
            {
                return drained;
            }

            foreach (var message in batch)
            {
                // Shown first, deleted second: nothing leaves the queue unseen.
                onEach(new InspectedMessage(message.MessageId, message.InsertedOn, message.DequeueCount, PublishedMessage.Decode(message.Body.ToString())));
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt, cancellationToken).ConfigureAwait(false);
                drained++;
            }
        }
    }
}
