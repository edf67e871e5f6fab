using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Chaos;

/// <summary>What the simulator reported for one notification (a line of <c>--notifications-out</c>).</summary>
internal sealed record SentNotification(string ExternalId, string OriginalReferenceNo, string Status, bool Duplicate, IReadOnlyList<string> Answers, string Final)
{
    public (string Reference, string Status) Fact => (OriginalReferenceNo, Status);

    public bool Accepted => Final == "200 2005600";

    /// <summary>5xx or no answer: what QoinHub retries.</summary>
    public bool Failed => Final == "no answer" || Final.StartsWith('5');

    public bool Retried => Answers.Count > 1;

    public static IReadOnlyList<SentNotification> ReadAll(string path)
    {
        Assert.True(File.Exists(path), $"The simulator wrote no notifications file at {path}.");
        return [.. File.ReadLines(path).Where(line => line.Length > 0).Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return new SentNotification(
                root.GetProperty("externalId").GetString()!,
                root.GetProperty("originalReferenceNo").GetString()!,
                root.GetProperty("latestTransactionStatus").GetString()!,
                root.GetProperty("duplicate").GetBoolean(),
                [.. root.GetProperty("answers").EnumerateArray().Select(answer => answer.GetString()!)],
                root.GetProperty("final").GetString()!);
        })];
    }
}

/// <summary>A message on the queue (or enqueued by the broker): its id, the fact it carries, its bytes.</summary>
internal sealed record QueuedMessage(string MessageId, string OriginalReferenceNo, string Status, string Envelope)
{
    public (string Reference, string Status) Fact => (OriginalReferenceNo, Status);

    public static QueuedMessage From(JsonElement envelope)
    {
        var notification = envelope.GetProperty("notification");
        return new QueuedMessage(
            envelope.GetProperty("messageId").GetString()!,
            notification.GetProperty("originalReferenceNo").GetString()!,
            notification.GetProperty("latestTransactionStatus").GetString()!,
            envelope.GetRawText());
    }

    public static QueuedMessage From(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return From(document.RootElement) with { Envelope = Encoding.UTF8.GetString(body) };
    }
}

/// <summary>The app's Storage queue read straight from Azurite: every message, received and left invisible (the queue is the run's own).</summary>
internal static class QueueContents
{
    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(string name)
    {
        var client = new QueueClient(AzuriteServer.Instance.ConnectionString, name);
        Assert.True(await client.ExistsAsync(), $"The app never created the queue {name}.");
        var envelopes = new List<JsonElement>();
        while ((await client.ReceiveMessagesAsync(32, TimeSpan.FromHours(1))).Value is { Length: > 0 } batch)
        {
            foreach (var message in batch)
            {
                using var document = JsonDocument.Parse(Convert.FromBase64String(message.Body.ToString()));
                envelopes.Add(document.RootElement.Clone());
            }
        }

        return envelopes;
    }
}

/// <summary>The app's ledger table read straight from Azurite (not through the outage proxy).</summary>
internal sealed class LedgerTable(string name)
{
    private readonly TableClient _client = new(AzuriteServer.Instance.ConnectionString, name);

    public async Task<int> CountPendingMarkersAsync()
    {
        var count = 0;
        await foreach (var _ in _client.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"RowKey ge {"p_"} and RowKey lt {"p`"}"), select: ["RowKey"]))
        {
            count++;
        }

        return count;
    }

    /// <summary>Every outbox record: the fact it holds, its message id and state.</summary>
    public async Task<IReadOnlyList<LedgerRecord>> RecordsAsync()
    {
        var records = new List<LedgerRecord>();
        await foreach (var row in _client.QueryAsync<TableEntity>(
            TableClient.CreateQueryFilter($"RowKey ge {"m_"} and RowKey lt {"m`"}"),
            select: ["MessageId", "OriginalReferenceNo", "LatestTransactionStatus", "State"]))
        {
            records.Add(new LedgerRecord(row.GetString("MessageId")!, row.GetString("OriginalReferenceNo")!, row.GetString("LatestTransactionStatus")!, row.GetString("State")!));
        }

        return records;
    }
}

internal sealed record LedgerRecord(string MessageId, string OriginalReferenceNo, string Status, string State)
{
    public (string Reference, string Status) Fact => (OriginalReferenceNo, Status);
}
