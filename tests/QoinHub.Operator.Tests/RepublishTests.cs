using QoinHub.Merchant.Notifications;
using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

public sealed class RepublishTests : IDisposable
{
    private readonly OperatorTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Republish_puts_exactly_one_message_with_the_stored_message_id_on_the_queue_and_leaves_the_record_published()
    {
        var seeded = await _bed.SeedAsync("1001", "T1001");
        Assert.Single(await _bed.DrainQueueAsync());

        var run = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"Republished {seeded.MessageId} (partner dev-qoinhub, X-EXTERNAL-ID 1001, originalReferenceNo T1001, status 00) to the storage queue '{_bed.QueueName}' as attempt 2.", run.Out, StringComparison.Ordinal);
        var queued = Assert.Single(await _bed.DrainQueueAsync());
        Assert.Equal(seeded.MessageId, OperatorTestBed.MessageIdOf(queued));
        Assert.Equal(System.Text.Encoding.UTF8.GetString(seeded.Message.Envelope.Span), queued);
        var record = await _bed.TableLedger.FindRecordAsync(seeded.MessageId, CancellationToken.None);
        Assert.Equal("Published", record!.State);
        Assert.Equal(2, record.Attempts);
        Assert.Equal(OperatorTestBed.Now.AddMinutes(-5), record.PublishedAt);
        Assert.Equal(OperatorTestBed.Now, record.LastPublishedAt);
        Assert.Equal(2, record.Publishes);
    }

    [Fact]
    public async Task Republish_by_external_id_publishes_a_received_record_and_the_relay_then_has_nothing_left()
    {
        var seeded = await _bed.SeedAsync("1002", "T1002", published: false);

        var run = await _bed.RunAsync("republish", "--external-id", "1002", "--partner", OperatorTestBed.Partner, "--day", seeded.Day);
        var relay = await _bed.RunAsync("relay", "--relay-after", "0s");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(seeded.MessageId, OperatorTestBed.MessageIdOf(Assert.Single(await _bed.DrainQueueAsync())));
        Assert.Equal("Published", (await _bed.TableLedger.FindRecordAsync(seeded.MessageId, CancellationToken.None))!.State);
        Assert.True(relay.ExitCode == 0, relay.ToString());
        Assert.Contains("Relay: 0 unpublished record(s)", relay.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Republish_by_reference_needs_the_status_when_the_reference_has_several()
    {
        await _bed.SeedAsync("1003", "T1003", status: "03");
        var success = await _bed.SeedAsync("1004", "T1003", status: "00");
        await _bed.DrainQueueAsync();

        var ambiguous = await _bed.RunAsync("republish", "--reference", "T1003", "--partner", OperatorTestBed.Partner);
        var named = await _bed.RunAsync("republish", "--reference", "T1003", "--partner", OperatorTestBed.Partner, "--status", "00");

        Assert.Equal(2, ambiguous.ExitCode);
        Assert.Contains("matches 2 records", ambiguous.Error, StringComparison.Ordinal);
        Assert.True(named.ExitCode == 0, named.ToString());
        Assert.Equal(success.MessageId, OperatorTestBed.MessageIdOf(Assert.Single(await _bed.DrainQueueAsync())));
    }

    [Fact]
    public async Task Republish_of_an_unknown_message_id_exits_1_and_publishes_nothing()
    {
        await _bed.SeedAsync("1001", "T1001");
        await _bed.DrainQueueAsync();
        var unknown = NotificationEnvelope.MessageIdFor(OperatorTestBed.Partner, "NO-SUCH-REFERENCE", "00");

        var run = await _bed.RunAsync("republish", "--message-id", unknown);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Not found: no stored record with message id {unknown}", run.Error, StringComparison.Ordinal);
        Assert.Empty(await _bed.DrainQueueAsync());
    }

    [Fact]
    public async Task Republish_is_refused_while_a_live_claim_holds_the_record()
    {
        var seeded = await _bed.SeedAsync("1002", "T1002", published: false);
        var held = await _bed.Ledger.ClaimStoredAsync(seeded.MessageId, OperatorTestBed.Now.AddSeconds(-10), TimeSpan.FromSeconds(60), evenIfPublished: false, CancellationToken.None);
        Assert.Equal(LedgerOutcome.Claimed, held.Outcome);

        var run = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"Refused: record {seeded.MessageId} is held until 2026-11-24T10:00:50.000+07:00", run.Error, StringComparison.Ordinal);
        Assert.Empty(await _bed.DrainQueueAsync());
        Assert.Equal("Received", (await _bed.TableLedger.FindRecordAsync(seeded.MessageId, CancellationToken.None))!.State);
    }
}
