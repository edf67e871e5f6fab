using System.Text.Json;
using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

public sealed class ListAndShowTests : IAsyncLifetime, IDisposable
{
    private readonly OperatorTestBed _bed = new();
    private Seeded _published = null!;
    private Seeded _unpublished = null!;
    private Seeded _otherPartner = null!;
    private Seeded _dayBefore = null!;

    public async Task InitializeAsync()
    {
        _published = await _bed.SeedAsync("1001", "T1001");
        _unpublished = await _bed.SeedAsync("1002", "T1002", published: false);
        _otherPartner = await _bed.SeedAsync("2001", "T2001", partner: OperatorTestBed.OtherPartner);
        _dayBefore = await _bed.SeedAsync("3001", "T3001", receivedAt: OperatorTestBed.Now.AddDays(-1));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task List_shows_every_external_id_of_the_day_with_its_state_and_counts_them()
    {
        var run = await _bed.RunAsync("list", "--day", "2026-11-24");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Out.Split('\n');
        Assert.Contains(lines, line => line.Contains("1001", StringComparison.Ordinal) && line.Contains("Published", StringComparison.Ordinal) && line.Contains(_published.MessageId, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("1002", StringComparison.Ordinal) && line.Contains("Received", StringComparison.Ordinal) && line.Contains(_unpublished.MessageId, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains("2001", StringComparison.Ordinal) && line.Contains(OperatorTestBed.OtherPartner, StringComparison.Ordinal));
        Assert.DoesNotContain(_dayBefore.MessageId, run.Out, StringComparison.Ordinal);
        Assert.Contains("3 notification(s) on 2026-11-24 (Asia/Jakarta): 2 published, 1 received (not published yet), 0 without a record.", run.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_filters_by_partner_and_state()
    {
        var received = await _bed.RunAsync("list", "--day", "2026-11-24", "--partner", OperatorTestBed.Partner, "--state", "received");
        var otherPartner = await _bed.RunAsync("list", "--day", "2026-11-24", "--partner", OperatorTestBed.OtherPartner);
        var dayBefore = await _bed.RunAsync("list", "--day", "yesterday", "--state", "published", "--json");

        Assert.True(received.ExitCode == 0, received.ToString());
        Assert.Contains(_unpublished.MessageId, received.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(_published.MessageId, received.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(_otherPartner.MessageId, received.Out, StringComparison.Ordinal);
        Assert.Contains("1 notification(s) of partner dev-qoinhub in state received on 2026-11-24", received.Out, StringComparison.Ordinal);

        Assert.Contains(_otherPartner.MessageId, otherPartner.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(_published.MessageId, otherPartner.Out, StringComparison.Ordinal);
        Assert.Contains("1 notification(s) of partner dev-qoinhub-2 on 2026-11-24", otherPartner.Out, StringComparison.Ordinal);

        Assert.True(dayBefore.ExitCode == 0, dayBefore.ToString());
        using var json = JsonDocument.Parse(dayBefore.Out);
        var only = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal(_dayBefore.MessageId, only.GetProperty("messageId").GetString());
        Assert.Equal("3001", only.GetProperty("externalId").GetString());
        Assert.Equal("Published", only.GetProperty("state").GetString());
        Assert.Equal("2026-11-23", only.GetProperty("jakartaDay").GetString());
    }

    [Fact]
    public async Task Show_by_external_id_finds_the_newest_day_and_prints_times_state_and_the_stored_notification()
    {
        var text = await _bed.RunAsync("show", "--external-id", "1001", "--partner", OperatorTestBed.Partner);
        var json = await _bed.RunAsync("show", "--external-id", "3001", "--partner", OperatorTestBed.Partner, "--day", "2026-11-23", "--json");

        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains($"message id      {_published.MessageId}", text.Out, StringComparison.Ordinal);
        Assert.Contains("state           Published", text.Out, StringComparison.Ordinal);
        Assert.Contains("first received  2026-11-24T09:55:00.000+07:00", text.Out, StringComparison.Ordinal);
        Assert.Contains("channel id      95221", text.Out, StringComparison.Ordinal);
        Assert.Contains("attempts        1 ", text.Out, StringComparison.Ordinal);
        Assert.Contains("\"originalReferenceNo\": \"T1001\"", text.Out, StringComparison.Ordinal);
        Assert.Contains("\"note\": \"seeded\"", text.Out, StringComparison.Ordinal);

        Assert.True(json.ExitCode == 0, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        var found = Assert.Single(document.RootElement.EnumerateArray());
        Assert.Equal(_dayBefore.MessageId, found.GetProperty("messageId").GetString());
        Assert.Equal("Published", found.GetProperty("state").GetString());
        Assert.Equal(1, found.GetProperty("attempts").GetInt32());
        Assert.False(found.GetProperty("leaseHeld").GetBoolean());
        Assert.Equal("2026-11-23", found.GetProperty("foundBy").GetProperty("jakartaDay").GetString());
        var notification = found.GetProperty("notification");
        using var stored = JsonDocument.Parse(_dayBefore.Message.Envelope);
        Assert.True(JsonElement.DeepEquals(stored.RootElement, notification), notification.GetRawText());
    }

    [Fact]
    public async Task Show_by_reference_tries_every_status_unless_one_is_given()
    {
        var pending = await _bed.SeedAsync("1003", "T1003", status: "03");
        var success = await _bed.SeedAsync("1004", "T1003", status: "00", published: false);

        var every = await _bed.RunAsync("show", "--reference", "T1003", "--partner", OperatorTestBed.Partner, "--json");
        var one = await _bed.RunAsync("show", "--reference", "T1003", "--partner", OperatorTestBed.Partner, "--status", "03");

        Assert.True(every.ExitCode == 0, every.ToString());
        using var document = JsonDocument.Parse(every.Out);
        Assert.Equal(
            [(success.MessageId, "00", "Received"), (pending.MessageId, "03", "Published")],
            document.RootElement.EnumerateArray().Select(found => (
                found.GetProperty("messageId").GetString(), found.GetProperty("latestTransactionStatus").GetString(), found.GetProperty("state").GetString())));

        Assert.True(one.ExitCode == 0, one.ToString());
        Assert.Contains(pending.MessageId, one.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(success.MessageId, one.Out, StringComparison.Ordinal);
        Assert.Contains("published at    2026-11-24T09:55:00", one.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Show_of_a_notification_the_ledger_does_not_hold_exits_1()
    {
        var byExternalId = await _bed.RunAsync("show", "--external-id", "999999", "--partner", OperatorTestBed.Partner);
        var byReference = await _bed.RunAsync("show", "--reference", "T1001", "--partner", OperatorTestBed.OtherPartner);

        Assert.Equal(1, byExternalId.ExitCode);
        Assert.Contains("Not found: no notification with X-EXTERNAL-ID 999999 of partner dev-qoinhub", byExternalId.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, byExternalId.Out);
        Assert.Equal(1, byReference.ExitCode);
    }

    [Fact]
    public async Task Show_by_message_id_tells_an_unpublished_record_from_a_published_one()
    {
        var run = await _bed.RunAsync("show", "--message-id", _unpublished.MessageId);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("state           Received", run.Out, StringComparison.Ordinal);
        Assert.Contains("published at    - (not published)", run.Out, StringComparison.Ordinal);
        Assert.Contains("lease           lapsed at 2026-11-24T09:55:00.000+07:00", run.Out, StringComparison.Ordinal);
    }
}
