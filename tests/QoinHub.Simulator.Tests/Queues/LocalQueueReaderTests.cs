using System.Security.Cryptography;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Credentials;
using QoinHub.Simulator.Http;

namespace QoinHub.Simulator.Tests.Queues;

/// <summary>
/// The conformance queue checks and <c>notify --queue-name</c> read a queue that others consume:
/// they must leave every message there, visible, and (when a peek shows the whole queue) not even
/// dequeued once, since a consumer with a poison limit counts dequeues.
/// </summary>
public sealed class LocalQueueReaderTests
{
    private const int LongerThanAPeek = 40;

    [Fact]
    public async Task Queue_checks_leave_foreign_messages_on_the_queue_visible_and_never_dequeued()
    {
        var queue = await TestQueue.CreateAsync();
        var foreign = await queue.SendEnvelopeAsync(TestQueue.Envelope("another-partner", "7001"));
        var notAnEnvelope = await queue.SendTextAsync("written by someone else entirely");
        using var http = new HttpClient();
        using var partner = new SimulatedPartner("dev-qoinhub", RSA.Create(2048), "client-secret");
        var context = new ConformanceContext(
            new SnapEndpoint(http, new Uri("http://127.0.0.1:9/"), TimeProvider.System), partner, null, TimeProvider.System,
            new ConformanceSettings(Queue: queue.Access));

        foreach (var check in QueueChecks.All)
        {
            var result = await check.RunAsync(context, CancellationToken.None);
            Assert.True(result.Outcome == CheckOutcome.Passed, $"{check.Name}: {result.Outcome} {result.Actual} {result.Detail}");
        }

        var peeked = await queue.PeekAsync();
        Assert.Equal([foreign, notAnEnvelope], peeked.Select(message => message.MessageId));
        Assert.All(peeked, message => Assert.Equal(0, message.DequeueCount));
        var visible = await queue.ReceiveVisibleAsync();
        Assert.Equal(new[] { foreign, notAnEnvelope }.Order(StringComparer.Ordinal), visible.Select(message => message.MessageId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Reading_a_queue_longer_than_a_peek_returns_every_message_and_leaves_each_visible_at_once()
    {
        var queue = await TestQueue.CreateAsync();
        var sent = new List<string>();
        for (var i = 0; i < LongerThanAPeek; i++)
        {
            sent.Add(await queue.SendEnvelopeAsync(TestQueue.Envelope("another-partner", $"80{i:D2}")));
        }

        var read = await LocalQueueReader.ReadAllAsync(queue.Access, CancellationToken.None);

        Assert.Equal(
            Enumerable.Range(0, LongerThanAPeek).Select(i => $"80{i:D2}").Order(StringComparer.Ordinal),
            read.Select(message => message.ExternalId!).Order(StringComparer.Ordinal));
        var visible = await queue.ReceiveVisibleAsync();
        Assert.Equal(sent.Order(StringComparer.Ordinal), visible.Select(message => message.MessageId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Finding_a_message_behind_the_first_peek_leaves_every_other_message_visible()
    {
        var queue = await TestQueue.CreateAsync();
        for (var i = 0; i < LongerThanAPeek; i++)
        {
            await queue.SendEnvelopeAsync(TestQueue.Envelope(i == LongerThanAPeek - 2 ? "dev-qoinhub" : "another-partner", $"90{i:D2}"));
        }

        var found = await LocalQueueReader.FindAsync(queue.Access, message => message.PartnerId == "dev-qoinhub", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal($"90{LongerThanAPeek - 2:D2}", found.ExternalId);
        Assert.Equal(LongerThanAPeek, (await queue.ReceiveVisibleAsync()).Count);
    }

    [Fact]
    public async Task A_missing_queue_reads_as_empty_and_is_not_created()
    {
        var access = new QueueAccess(Merchant.Testing.AzuriteServer.Instance.ConnectionString, "sim-missing-" + Guid.NewGuid().ToString("N")[..12]);

        var read = await LocalQueueReader.ReadAllAsync(access, CancellationToken.None);

        Assert.Empty(read);
        Assert.False(await new Azure.Storage.Queues.QueueClient(access.ConnectionString, access.QueueName).ExistsAsync());
    }
}
