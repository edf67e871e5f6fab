using System.Text.Json;
using Azure.Storage.Queues;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>Reads every message of the local notifications queue, as an order system would.</summary>
internal static class QueueReader
{
    public static async Task<List<JsonElement>> DrainAsync(string connectionString, string queueName)
    {
        var queue = new QueueClient(connectionString, queueName, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var messages = new List<JsonElement>();
        if (!(await queue.ExistsAsync()).Value)
        {
            return messages;
        }

        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                return messages;
            }

            foreach (var message in batch)
            {
                using var document = JsonDocument.Parse(message.Body.ToMemory());
                messages.Add(document.RootElement.Clone());
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }

    public static string RawText(JsonElement message) => message.GetRawText();
}
