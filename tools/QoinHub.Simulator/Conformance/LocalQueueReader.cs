using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// Reads messages on the local Storage Queue and leaves the queue as it found it: messages are
/// received (peek sees only the first 32) and made visible again with their content unchanged.
/// </summary>
public static class LocalQueueReader
{
    private static readonly TimeSpan HoldWhileReading = TimeSpan.FromMinutes(2);

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
        // One retry: a queue that does not answer should fail the check quickly, not after a minute.
        var options = new QueueClientOptions();
        options.Retry.MaxRetries = 1;
        var client = new QueueClient(access.ConnectionString, access.QueueName, options);
        if (!await client.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var received = new List<QueueMessage>();
        var decoded = new List<PublishedMessage>();
        try
        {
            while (true)
            {
                QueueMessage[] batch = await client.ReceiveMessagesAsync(32, HoldWhileReading, cancellationToken).ConfigureAwait(false);
                received.AddRange(batch);
                var messages = batch.Select(message => PublishedMessage.Decode(message.Body.ToString())).ToList();
                decoded.AddRange(messages);
                if (batch.Length == 0 || (stopAt is not null && messages.Any(stopAt)))
                {
                    return decoded;
                }
            }
        }
        finally
        {
            foreach (var message in received)
            {
                await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, message.Body, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }
}
