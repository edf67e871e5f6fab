using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing.ServiceBus;

// Usage: PublishLatency [sequential sends] [concurrent sends] [concurrency]
var sequential = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2000;
var concurrentSends = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
var concurrency = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 16;
const string Queue = "payment-notifications";

Console.WriteLine($"publish latency on loopback: {sequential} sequential sends, then {concurrentSends} sends by {concurrency} concurrent callers; {Environment.ProcessorCount} CPUs");
Console.WriteLine();
Console.WriteLine("| client | stand-in | p50 ms | p99 ms | sends/s |");
Console.WriteLine("|---|---|---|---|---|");

await using (var broker = ServiceBusStandIn.Start(null, Queue))
{
    await using var sdk = new ServiceBusPublisher(
        new ServiceBusPublisherOptions { ConnectionString = broker.ConnectionString, QueueName = Queue },
        credential: null,
        NullLogger<ServiceBusPublisher>.Instance);
    await MeasureAsync("Azure.Messaging.ServiceBus (AMQP)", "AMQPNetLite broker", sdk.PublishAsync);
    Check(broker.Queue(Queue).Enqueued.Count, "the AMQP stand-in");
}

void Check(int received, string where)
{
    var expected = 200 + sequential + concurrentSends;
    if (received != expected)
    {
        throw new InvalidOperationException($"{where} received {received} messages, expected {expected}.");
    }
}

async Task MeasureAsync(string client, string standIn, Func<NotificationMessage, CancellationToken, Task> publish)
{
    var next = 0;
    NotificationMessage Next()
    {
        var n = Interlocked.Increment(ref next);
        var id = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(client + n)));
        var envelope = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":\"1.1\",\"type\":\"qoinhub.payment-notification.debit\",\"messageId\":\"" + id
            + "\",\"partnerId\":\"QoinSnap\",\"externalId\":\"" + n.ToString("D32", CultureInfo.InvariantCulture)
            + "\",\"channelId\":\"95221\",\"timestamp\":\"2024-08-23T07:44:20+07:00\",\"receivedAt\":\"2024-08-23T00:44:20.512Z\",\"notification\":"
            + "{\"latestTransactionStatus\":\"00\",\"originalPartnerReferenceNo\":\"abcdefgh0017\",\"originalReferenceNo\":\"T" + n.ToString("D11", CultureInfo.InvariantCulture)
            + "\",\"transactionStatusDesc\":\"Success\",\"createdTime\":\"2024-08-23T07:44:11+07:00\",\"additionalInfo\":{}}}");
        return new NotificationMessage(id, "QoinSnap", n.ToString("D32", CultureInfo.InvariantCulture), "95221", "abcdefgh0017", "T" + n.ToString("D11", CultureInfo.InvariantCulture), "00", envelope);
    }

    for (var i = 0; i < 200; i++)
    {
        await publish(Next(), CancellationToken.None);
    }

    var latencies = new double[sequential];
    for (var i = 0; i < sequential; i++)
    {
        var started = Stopwatch.GetTimestamp();
        await publish(Next(), CancellationToken.None);
        latencies[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    Array.Sort(latencies);
    var remaining = concurrentSends;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        while (Interlocked.Decrement(ref remaining) >= 0)
        {
            await publish(Next(), CancellationToken.None);
        }
    }));
    var perSecond = concurrentSends / clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {client} | {standIn} | {Percentile(latencies, 0.50):F2} | {Percentile(latencies, 0.99):F2} | {perSecond:F0} |"));
}

static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
