using System.Text.Json;
using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

/// <summary>The answers an operator acts on: a lease that is over, every publish time, a search without the partner, records not yet due, one message on a long queue.</summary>
public sealed class OperatorAnswerTests : IDisposable
{
    private const int LongerThanAPeek = 40;

    private readonly OperatorTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task A_record_published_17_seconds_ago_shows_no_live_lease_and_can_be_republished_at_once()
    {
        var seeded = await _bed.SeedAsync("1001", "T1001", receivedAt: OperatorTestBed.Now.AddSeconds(-17));
        await _bed.DrainQueueAsync();

        var show = await _bed.RunAsync("show", "--message-id", seeded.MessageId);
        var republish = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);

        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.DoesNotContain("held until", show.Out, StringComparison.Ordinal);
        Assert.True(republish.ExitCode == 0, republish.ToString());
        Assert.Single(await _bed.DrainQueueAsync());
    }

    [Fact]
    public async Task Republish_keeps_the_first_publish_time_and_show_prints_both_and_the_count()
    {
        var seeded = await _bed.SeedAsync("1001", "T1001");
        await _bed.DrainQueueAsync();

        var republish = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);
        var text = await _bed.RunAsync("show", "--message-id", seeded.MessageId);
        var json = await _bed.RunAsync("show", "--message-id", seeded.MessageId, "--json");

        Assert.True(republish.ExitCode == 0, republish.ToString());
        Assert.Contains("published at    2026-11-24T09:55:00.000+07:00 (first of 2 publishes; last 2026-11-24T10:00:00.000+07:00)", text.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        var found = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal("2026-11-24T09:55:00+07:00", found.GetProperty("publishedAt").GetString());
        Assert.True(found.TryGetProperty("lastPublishedAt", out var last), json.Out);
        Assert.Equal("2026-11-24T10:00:00+07:00", last.GetString());
        Assert.True(found.TryGetProperty("publishes", out var publishes), json.Out);
        Assert.Equal(2, publishes.GetInt32());
    }

    [Fact]
    public async Task Show_by_reference_without_partner_searches_every_partner()
    {
        var first = await _bed.SeedAsync("1001", "T5001");
        var other = await _bed.SeedAsync("2001", "T5001", partner: OperatorTestBed.OtherPartner, status: "06");
        await _bed.SeedAsync("1002", "T5002");

        var run = await _bed.RunAsync("show", "--reference", "T5001", "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Out);
        Assert.Equal(
            new[] { first.MessageId, other.MessageId }.Order(StringComparer.Ordinal),
            document.RootElement.EnumerateArray().Select(found => found.GetProperty("messageId").GetString()!).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Relay_says_how_many_unpublished_records_are_not_due_yet()
    {
        await _bed.SeedAsync("1001", "T1001", published: false, receivedAt: OperatorTestBed.Now.AddSeconds(-30));
        await _bed.SeedAsync("1002", "T1002", published: false, receivedAt: OperatorTestBed.Now.AddSeconds(-40));

        var run = await _bed.RunAsync("relay");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 unpublished record(s) younger than 00:02:00 are not due yet (run relay --relay-after 0s to publish them now).", run.Out, StringComparison.Ordinal);
        Assert.Empty(await _bed.DrainQueueAsync());
    }

    [Fact]
    public async Task Queue_find_shows_one_message_behind_the_first_peek_and_leaves_every_message_on_the_queue()
    {
        for (var i = 0; i < LongerThanAPeek - 1; i++)
        {
            await _bed.SendToQueueAsync($"{{\"messageId\":\"{i:x64}\",\"note\":\"another system's message\"}}");
        }

        var seeded = await _bed.SeedAsync("1001", "T1001");

        var found = await _bed.RunAsync("queue", "find", "--message-id", seeded.MessageId);
        var missing = await _bed.RunAsync("queue", "find", "--message-id", new string('e', 64));

        Assert.True(found.ExitCode == 0, found.ToString());
        Assert.Contains($"Found {seeded.MessageId} on the storage queue '{_bed.QueueName}'", found.Out, StringComparison.Ordinal);
        Assert.Contains("\"originalReferenceNo\": \"T1001\"", found.Out, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains($"Not found: no message {new string('e', 64)} among the 40 on the storage queue '{_bed.QueueName}'", missing.Error, StringComparison.Ordinal);
        Assert.Equal(LongerThanAPeek, (await _bed.DrainQueueAsync()).Count);
    }
}
