using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace QoinHub.Simulator.Conformance;

/// <summary>
/// Reads every message on the local Storage Queue and leaves the queue as it found it: messages
/// are received (peek sees at most 32) and made visible again with their content unchanged.
/// </summary>
public static class LocalQueueReader
{
    public static async Task<IReadOnlyList<PublishedMessage>> ReadAllAsync(QueueAccess access, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(access);
        var client = new QueueClient(access.ConnectionString, access.QueueName);
        if (!await client.ExistsAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var received = new List<QueueMessage>();
        try
        {
            while (true)
            {
                QueueMessage[] batch = await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(2), cancellationToken).ConfigureAwait(false);
                if (batch.Length == 0)
                {
                    break;
                }

                received.AddRange(batch);
            }
        }
        finally
        {
            foreach (var message in received)
            {
                await client.UpdateMessageAsync(message.MessageId, message.PopReceipt, message.Body, TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
        }

        return [.. received.Select(message => PublishedMessage.Decode(message.Body.ToString()))];
    }
}
