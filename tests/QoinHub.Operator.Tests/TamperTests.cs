using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Snap;
using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

/// <summary>
/// Someone who may write the ledger's table (a Storage Table Data Contributor) but does not hold the
/// outbox MAC key changes a record, or inserts one: neither <c>republish</c> nor the app's relay
/// publishes it, and <c>show</c> marks it.
/// </summary>
public sealed class TamperTests : IDisposable
{
    private readonly OperatorTestBed _bed = new();

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Republish_refuses_a_published_record_whose_envelope_was_changed_in_the_table_and_puts_nothing_on_the_queue()
    {
        var seeded = await _bed.SeedAsync("1001", "T1001", status: "06");
        Assert.Single(await _bed.DrainQueueAsync());
        var original = Encoding.UTF8.GetString(seeded.Message.Envelope.Span);
        var changed = original
            .Replace("\"latestTransactionStatus\":\"06\"", "\"latestTransactionStatus\":\"00\"", StringComparison.Ordinal)
            .Replace("\"value\":\"15000.00\"", "\"value\":\"99999999.00\"", StringComparison.Ordinal);
        Assert.NotEqual(original, changed);
        await _bed.NotificationTableClient().UpdateEntityAsync(
            new TableEntity(LedgerKeys.RecordPartition(seeded.MessageId), LedgerKeys.RecordRow(seeded.MessageId))
            {
                ["Envelope0"] = Encoding.UTF8.GetBytes(changed),
                ["EnvelopeParts"] = 1,
                ["LatestTransactionStatus"] = "00",
            },
            ETag.All,
            TableUpdateMode.Merge);

        var run = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);
        var show = await _bed.RunAsync("show", "--message-id", seeded.MessageId);

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains($"Refused: record {seeded.MessageId} fails its integrity check", run.Error, StringComparison.Ordinal);
        Assert.Empty(await _bed.DrainQueueAsync());
        Assert.Contains("integrity       FAILED", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_relay_does_not_publish_a_record_and_marker_inserted_by_hand_and_show_marks_the_record()
    {
        var receivedAt = OperatorTestBed.Now.AddMinutes(-5);
        var body = Encoding.UTF8.GetBytes("{\"latestTransactionStatus\":\"00\",\"originalPartnerReferenceNo\":\"ORDER-FAKE\",\"originalReferenceNo\":\"FAKE1\",\"amount\":{\"value\":\"99999999.00\",\"currency\":\"IDR\"}}");
        var message = NotificationEnvelope.Create(new NotificationEnvelopeInput(
            OperatorTestBed.Partner, "9001", "95221", SnapTimestamp.Format(receivedAt), receivedAt, "ORDER-FAKE", "FAKE1", "00", body));
        var partition = LedgerKeys.RecordPartition(message.MessageId);
        var record = new TableEntity(partition, LedgerKeys.RecordRow(message.MessageId))
        {
            ["MessageId"] = message.MessageId,
            ["PartnerId"] = message.PartnerId,
            ["ExternalId"] = message.ExternalId,
            ["ChannelId"] = message.ChannelId,
            ["OriginalPartnerReferenceNo"] = message.OriginalPartnerReferenceNo,
            ["OriginalReferenceNo"] = message.OriginalReferenceNo,
            ["LatestTransactionStatus"] = message.LatestTransactionStatus,
            ["PayloadHash"] = Convert.ToHexStringLower(SHA256.HashData(body)),
            ["JakartaDay"] = "20261124",
            ["State"] = "Received",
            ["FirstReceivedAt"] = receivedAt,
            ["LeaseUntil"] = receivedAt,
            ["Attempts"] = 1,
            ["Envelope0"] = message.Envelope.ToArray(),
            ["EnvelopeParts"] = 1,

            // A MAC under the key id the app signs with, made without the key.
            ["MacKeyId"] = OperatorTestBed.MacKeyId,
            ["Mac"] = RandomNumberGenerator.GetBytes(32),
        };
        var marker = new TableEntity(partition, LedgerKeys.PendingRow(message.MessageId)) { ["FirstReceivedAt"] = receivedAt };
        var table = _bed.NotificationTableClient();
        await table.CreateIfNotExistsAsync();
        await table.SubmitTransactionAsync([new TableTransactionAction(TableTransactionActionType.Add, record), new TableTransactionAction(TableTransactionActionType.Add, marker)]);

        var relay = await _bed.RunAsync("relay");
        var show = await _bed.RunAsync("show", "--message-id", message.MessageId);

        Assert.Empty(await _bed.DrainQueueAsync());
        Assert.True(relay.ExitCode == 1, relay.ToString());
        Assert.Contains("1 refused: failed the integrity check", relay.Out, StringComparison.Ordinal);
        Assert.Equal("Received", (await _bed.TableLedger.FindRecordAsync(message.MessageId, CancellationToken.None))!.State);
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("integrity       FAILED", show.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Republish_prints_the_status_amount_and_references_of_the_envelope_it_sends()
    {
        var seeded = await _bed.SeedAsync("1003", "T1003", status: "00", amount: "12345.00");
        await _bed.DrainQueueAsync();

        var run = await _bed.RunAsync("republish", "--message-id", seeded.MessageId);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains(
            "Sending the stored envelope: latestTransactionStatus 00, amount 12345.00 IDR, originalReferenceNo T1003, originalPartnerReferenceNo ORDER-T1003",
            run.Out,
            StringComparison.Ordinal);
        Assert.Single(await _bed.DrainQueueAsync());
    }
}
