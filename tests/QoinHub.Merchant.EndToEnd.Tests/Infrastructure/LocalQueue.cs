using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>The app's local Storage Queue on the test run's Azurite, read the way a consumer reads it.</summary>
internal sealed class LocalQueue(string name)
{
    public string Name => name;

    public static LocalQueue CreateUnique() => new("e2e-" + Guid.NewGuid().ToString("N")[..20]);

    /// <summary>Receives (and deletes) every message; each is the Base64 of the UTF-8 JSON envelope.</summary>
    public async Task<IReadOnlyList<JsonElement>> DrainAsync()
    {
        var client = new QueueClient(AzuriteServer.Instance.ConnectionString, name);
        Assert.True(await client.ExistsAsync(), $"The app never created the queue {name}.");
        var envelopes = new List<JsonElement>();
        while (true)
        {
            var batch = (await client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value;
            if (batch.Length == 0)
            {
                return envelopes;
            }

            foreach (var message in batch)
            {
                var json = Encoding.UTF8.GetString(Convert.FromBase64String(message.Body.ToString()));
                envelopes.Add(JsonDocument.Parse(json).RootElement.Clone());
                await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
            }
        }
    }
}
