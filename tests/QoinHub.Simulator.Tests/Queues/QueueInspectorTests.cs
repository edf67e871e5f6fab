using QoinHub.Simulator.Output;
using QoinHub.Simulator.Queues;

namespace QoinHub.Simulator.Tests.Queues;

/// <summary><c>queue peek</c>, <c>count</c> and <c>drain</c> against a queue on Azurite.</summary>
public sealed class QueueInspectorTests
{
    [Fact]
    public async Task Peek_shows_messages_in_order_without_dequeuing_or_hiding_them()
    {
        var queue = await TestQueue.CreateAsync();
        var first = await queue.SendEnvelopeAsync(TestQueue.Envelope("dev-qoinhub", "1001", "03"));
        var second = await queue.SendEnvelopeAsync(TestQueue.Envelope("dev-qoinhub", "1002", "00"));
        var inspector = QueueInspector.For(queue.Access);

        var peeked = await inspector.PeekAsync(QueueInspector.PeekLimit, CancellationToken.None);

        Assert.Equal([first, second], peeked.Select(message => message.QueueMessageId));
        Assert.Equal(["1001", "1002"], peeked.Select(message => message.Content.ExternalId));
        Assert.All(await queue.PeekAsync(), message => Assert.Equal(0, message.DequeueCount));
        Assert.Equal(2, (await queue.ReceiveVisibleAsync()).Count);
    }

    [Fact]
    public async Task Peek_shows_no_more_than_asked()
    {
        var queue = await TestQueue.CreateAsync();
        for (var i = 0; i < 3; i++)
        {
            await queue.SendTextAsync($"message {i}");
        }

        var peeked = await QueueInspector.For(queue.Access).PeekAsync(2, CancellationToken.None);

        Assert.Equal(["message 0", "message 1"], peeked.Select(message => message.Content.Text));
    }

    [Fact]
    public async Task Count_reports_how_many_messages_the_queue_holds()
    {
        var queue = await TestQueue.CreateAsync();
        for (var i = 0; i < 5; i++)
        {
            await queue.SendEnvelopeAsync(TestQueue.Envelope("dev-qoinhub", $"20{i}"));
        }

        Assert.Equal(5, await QueueInspector.For(queue.Access).CountAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Drain_shows_every_message_once_and_leaves_the_queue_empty()
    {
        var queue = await TestQueue.CreateAsync();
        var sent = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            sent.Add(await queue.SendEnvelopeAsync(TestQueue.Envelope("dev-qoinhub", $"30{i:D2}")));
        }

        var shown = new List<string>();
        var drained = await QueueInspector.For(queue.Access).DrainAsync(message => shown.Add(message.QueueMessageId), CancellationToken.None);

        Assert.Equal(40, drained);
        Assert.Equal(sent.Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        Assert.Empty(await queue.PeekAsync());
        Assert.Equal(0, await QueueInspector.For(queue.Access).CountAsync(CancellationToken.None));
    }

    [Fact]
    public void A_message_is_printed_with_its_ids_and_status_then_the_envelope_indented()
    {
        var envelope = TestQueue.Envelope("dev-qoinhub", "4001", "03");
        var message = new InspectedMessage("queue-id-1", DateTimeOffset.Parse("2025-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture), 0,
            Conformance.PublishedMessage.Decode(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(envelope.ToJsonString()))));
        using var output = new StringWriter();

        QueueMessageWriter.Write(output, 1, message);

        var text = output.ToString();
        Assert.Contains($"[1] messageId {envelope["messageId"]}  partner dev-qoinhub  externalId 4001  status 03 (Pending)", text, StringComparison.Ordinal);
        Assert.Contains("queue message queue-id-1, inserted 2025-01-02T03:04:05Z, dequeued 0 times", text, StringComparison.Ordinal);
        Assert.Contains("\n  \"externalId\": \"4001\",", text.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("\"transactionStatusDesc\": \"Café paid\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_that_is_no_envelope_is_printed_as_its_text()
    {
        var message = new InspectedMessage("queue-id-2", null, 3, Conformance.PublishedMessage.Decode("plain words"));
        using var output = new StringWriter();

        QueueMessageWriter.Write(output, 7, message);

        Assert.Equal(
            "[7] not a JSON envelope\n    queue message queue-id-2, inserted ?, dequeued 3 times\nplain words\n\n",
            output.ToString().ReplaceLineEndings("\n"));
    }
}
