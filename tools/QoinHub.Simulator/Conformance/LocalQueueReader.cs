using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using QoinHub.Simulator.Queues;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// Reads the messages on the app's local Storage queue for the queue checks and <c>notify</c>, and
/// leaves the queue as it found it: nothing is deleted, and messages that are not the simulator's
/// are not kept from their consumers.
/// </summary>
/// <remarks>
/// A peek changes nothing (no hiding, no dequeue count) but sees only the first 32 messages, so it
/// is used whenever it shows the whole queue. Only a longer queue is received: every message is
/// hidden for at most <see cref="HoldWhileReading"/> and made visible again, unchanged, as soon as
/// the read ends. Receiving counts as a dequeue, which a consumer with a poison limit would notice;
/// a peek does not, hence peek first.
/// </remarks>
public static class LocalQueueReader
{
    /// <summary>
    /// How long a received message stays hidden: long enough to read the queue batch by batch,
    /// short enough that, should the simulator die before restoring them, consumers get the
    /// messages back soon.
    /// </summary>
    public static TimeSpan HoldWhileReading { get; } = TimeSpan.FromSeconds(30);

    // Visibility is restored a few messages at a time: a long queue should not stay hidden while
    // each update waits for the previous one.
    private const int RestoreParallelism = 8;

    public static Task<IReadOnlyList<PublishedMessage>> ReadAllAsync(QueueAccess access, CancellationToken cancellationToken) =>
        ReadAsync(access, stopAt: null, cancellationToken);

    /// <summary>The first message that <paramref name="match"/> accepts, reading no further than needed; null when none.</summary>
    public static async Task<PublishedMessage?> FindAsync(QueueAccess access, Func<PublishedMessage, bool> match, CancellationToken cancellationToken)
    {
        var read = await ReadAsync(access, match, cancellationToken).ConfigureAwait(false);
        return read.FirstOrDefault(match);
    }

    private static async Task<IReadOnlyList<PublishedMessage>> ReadAsync(QueueAccess access, Func<PublishedMessage, bool>? stopAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var client = QueueClients.Create(access);
        if (!await client.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        PeekedMessage[] peeked = await client.PeekMessagesAsync(QueueInspector.PeekLimit, cancellationToken).ConfigureAwait(false);
        var decoded = peeked.Select(message => PublishedMessage.Decode(message.Body.ToString())).ToList();
        if (peeked.Length < QueueInspector.PeekLimit || (stopAt is not null && decoded.Any(stopAt)))
        {
            return decoded;
        }

        return await ReceiveAndRestoreAsync(client, stopAt, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Receives batch after batch until the queue has no message not yet seen, then makes every one visible again.</summary>
    private static async Task<IReadOnlyList<PublishedMessage>> ReceiveAndRestoreAsync(
        QueueClient client, Func<PublishedMessage, bool>? stopAt, CancellationToken cancellationToken)
    {
        // By the queue's message id, with the latest receipt: a message whose hold ran out while
        // the read went on can be received again, and only its newest pop receipt restores it.
        var held = new Dictionary<string, QueueMessage>(StringComparer.Ordinal);
        var decoded = new List<PublishedMessage>();
        try
        {
            while (true)
            {
                QueueMessage[] batch = await client.ReceiveMessagesAsync(QueueInspector.PeekLimit, HoldWhileReading, cancellationToken).ConfigureAwait(false);
                var fresh = new List<PublishedMessage>();
                foreach (var message in batch)
                {
                    if (held.TryAdd(message.MessageId, message))
                    {
                        fresh.Add(PublishedMessage.Decode(message.Body.ToString()));
                    }
                    else
                    {
                        held[message.MessageId] = message;
                    }
                }

                decoded.AddRange(fresh);
                if (fresh.Count == 0 || (stopAt is not null && fresh.Any(stopAt)))
                {
                    // Empty, or only messages already read came back: the whole queue has been seen.
                    return decoded;
                }
            }
        }
        finally
        {
            await RestoreAsync(client, held.Values).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the held messages visible at once, content untouched (no new text is sent).</summary>
    private static Task RestoreAsync(QueueClient client, IEnumerable<QueueMessage> held) =>
        Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = RestoreParallelism }, async (message, ct) =>
        {
            try
            {
                await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, messageText: null, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (exception.Status is 400 or 404)
            {
                // The hold ran out and a consumer received or deleted the message meanwhile: it is
                // theirs now, and already visible to them.
            }
        });
}
