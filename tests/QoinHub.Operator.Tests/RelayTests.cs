using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

public sealed class RelayTests : IDisposable
{
    private readonly OperatorTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Relay_publishes_the_unpublished_record_once()
    {
        await _bed.SeedAsync("1001", "T1001");
        var unpublished = await _bed.SeedAsync("1002", "T1002", published: false);
        await _bed.DrainQueueAsync();

        var first = await _bed.RunAsync("relay");
        var queued = await _bed.DrainQueueAsync();
        var second = await _bed.RunAsync("relay");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Relay: 1 unpublished record(s) first received at least 00:02:00 ago; 1 published, 0 failed, 0 skipped", first.Out, StringComparison.Ordinal);
        Assert.Contains("The oldest was 00:05:00 old.", first.Out, StringComparison.Ordinal);
        Assert.Equal(unpublished.MessageId, OperatorTestBed.MessageIdOf(Assert.Single(queued)));
        Assert.Equal("Published", (await _bed.TableLedger.FindRecordAsync(unpublished.MessageId, CancellationToken.None))!.State);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Relay: 0 unpublished record(s)", second.Out, StringComparison.Ordinal);
        Assert.Empty(await _bed.DrainQueueAsync());
    }

    [Fact]
    public async Task Relay_leaves_a_record_younger_than_the_relay_age_unless_told_otherwise()
    {
        var young = await _bed.SeedAsync("1002", "T1002", published: false, receivedAt: OperatorTestBed.Now.AddSeconds(-30));

        var waiting = await _bed.RunAsync("relay");
        var now = await _bed.RunAsync("relay", "--relay-after", "10s");

        Assert.Contains("Relay: 0 unpublished record(s) first received at least 00:02:00 ago", waiting.Out, StringComparison.Ordinal);
        Assert.True(now.ExitCode == 0, now.ToString());
        Assert.Contains("Relay: 1 unpublished record(s) first received at least 00:00:10 ago; 1 published", now.Out, StringComparison.Ordinal);
        Assert.Equal(young.MessageId, OperatorTestBed.MessageIdOf(Assert.Single(await _bed.DrainQueueAsync())));
    }
}
