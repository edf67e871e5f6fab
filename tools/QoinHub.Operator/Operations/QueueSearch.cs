using System.Text.Json;
using Azure;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;

namespace QoinHub.OperatorTool.Operations;

/// <summary>
/// Finds one message by the envelope's <c>messageId</c> on the app's local Storage queue without
/// taking it from its consumers. A peek changes nothing but sees only the first 32 messages, so it is
/// tried first; only a longer queue is received, batch by batch, each message hidden for at most
/// <see cref="Hold"/> and made visible again, unchanged, as soon as the search ends (a receive counts
/// as a dequeue, which a consumer with a poison limit would notice).
/// </summary>
public static class QueueSearch
{
    /// <summary>Most messages one peek or receive returns: a Storage queue limit.</summary>
    public const int BatchLimit = 32;

    /// <summary>How long a received message stays hidden should the tool die before restoring it.</summary>
    public static readonly TimeSpan Hold = TimeSpan.FromSeconds(30);

    /// <summary>The envelope with that message id (its text) and how many messages were read to find it, or not.</summary>
    public static async Task<(string? Envelope, int Read)> FindAsync(QueueClient queue, string messageId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queue);
        PeekedMessage[] peeked = await queue.PeekMessagesAsync(BatchLimit, cancellationToken).ConfigureAwait(false);
        var match = peeked.Select(message => message.Body.ToString()).FirstOrDefault(text => HasMessageId(text, messageId));
        if (match is not null || peeked.Length < BatchLimit)
        {
            return (match, peeked.Length);
        }

        // By the queue's own id, with the newest pop receipt: only that one restores a message received twice.
        var held = new Dictionary<string, QueueMessage>(StringComparer.Ordinal);
        try
        {
            while (true)
            {
                QueueMessage[] batch = await queue.ReceiveMessagesAsync(BatchLimit, Hold, cancellationToken).ConfigureAwait(false);
                var fresh = 0;
                foreach (var message in batch)
                {
                    fresh += held.TryAdd(message.MessageId, message) ? 1 : 0;
                    held[message.MessageId] = message;
                    match ??= HasMessageId(message.Body.ToString(), messageId) ? message.Body.ToString() : null;
                }

                if (match is not null || fresh == 0)
                {
                    return (match, held.Count);
                }
            }
        }
        finally
        {
            await RestoreAsync(queue, held.Values).ConfigureAwait(false);
        }
    }

    private static bool HasMessageId(string text, string messageId)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("messageId", out var id)
                && id.ValueKind == JsonValueKind.String
                && string.Equals(id.GetString(), messageId, StringComparison.Ordinal);
        }
        catch (JsonException)
        {
            // Not an envelope: someone else's message.
            return false;
        }
    }

    /// <summary>Makes the held messages visible at once, content untouched.</summary>
    private static Task RestoreAsync(QueueClient queue, IEnumerable<QueueMessage> held) =>
        Parallel.ForEachAsync(held, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (message, ct) =>
        {
            try
            {
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, messageText: null, visibilityTimeout: TimeSpan.Zero, cancellationToken: ct).ConfigureAwait(false);
            }
            catch (RequestFailedException exception) when (exception.Status is 400 or 404)
            {
                // The hold ran out and a consumer received or deleted it meanwhile: it is theirs now.
            }
        });
}
