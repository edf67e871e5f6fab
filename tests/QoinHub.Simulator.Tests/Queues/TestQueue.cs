using System.Text;
using System.Text.Json.Nodes;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using QoinHub.Merchant.Testing;
using QoinHub.Simulator.Conformance;

namespace QoinHub.Simulator.Tests.Queues;

/// <summary>A queue of its own on the test run's Azurite, filled the way the app fills it (Base64 of the JSON envelope).</summary>
internal sealed class TestQueue
{
    private TestQueue(QueueClient client) => Client = client;

    public QueueClient Client { get; }

    public QueueAccess Access => new(AzuriteServer.Instance.ConnectionString, Client.Name);

    public static async Task<TestQueue> CreateAsync()
    {
        var client = new QueueClient(AzuriteServer.Instance.ConnectionString, "sim-" + Guid.NewGuid().ToString("N")[..20]);
        await client.CreateAsync();
        return new TestQueue(client);
    }

    public static JsonObject Envelope(string partnerId, string externalId, string status = "00") => new()
    {
        ["schemaVersion"] = "1.0",
        ["type"] = "qoinhub.payment-notification.debit",
        ["messageId"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(partnerId + externalId + status))),
        ["partnerId"] = partnerId,
        ["externalId"] = externalId,
        ["channelId"] = "95221",
        ["timestamp"] = "2025-01-01T07:00:00+07:00",
        ["receivedAt"] = "2025-01-01T00:00:00.000Z",
        ["notification"] = new JsonObject
        {
            ["createdTime"] = "2025-01-01T06:59:00+07:00",
            ["latestTransactionStatus"] = status,
            ["originalPartnerReferenceNo"] = "ORD" + externalId,
            ["originalReferenceNo"] = "QH" + externalId,
            ["transactionStatusDesc"] = "Café paid",
            ["additionalInfo"] = new JsonObject(),
        },
    };

    /// <summary>Puts an envelope on the queue as the app does; returns the queue's id of the message.</summary>
    public async Task<string> SendEnvelopeAsync(JsonObject envelope) =>
        await SendTextAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(envelope.ToJsonString())));

    public async Task<string> SendTextAsync(string text)
    {
        SendReceipt receipt = await Client.SendMessageAsync(text);
        return receipt.MessageId;
    }

    /// <summary>Every message a peek shows (at most 32), leaving them as they are.</summary>
    public async Task<IReadOnlyList<PeekedMessage>> PeekAsync() => (await Client.PeekMessagesAsync(32)).Value;

    /// <summary>
    /// Receives, with a one-minute hold, every message that is visible right now, and deletes none:
    /// a message still hidden by the code under test is simply not among them.
    /// </summary>
    public async Task<IReadOnlyList<QueueMessage>> ReceiveVisibleAsync()
    {
        var received = new List<QueueMessage>();
        while (true)
        {
            QueueMessage[] batch = await Client.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1));
            if (batch.Length == 0)
            {
                return received;
            }

            received.AddRange(batch);
        }
    }
}
