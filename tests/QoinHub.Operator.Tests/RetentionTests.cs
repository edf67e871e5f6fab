using QoinHub.OperatorTool.Tests.Infrastructure;

namespace QoinHub.OperatorTool.Tests;

public sealed class RetentionTests : IDisposable
{
    private readonly OperatorTestBed _bed = new([new("Retention__Notifications", "2.00:00:00")]);

    public void Dispose() => _bed.Dispose();

    [Fact]
    public async Task Retention_preview_counts_without_deleting_and_apply_deletes_exactly_the_old_published_rows()
    {
        var oldPublished = await _bed.SeedAsync("1001", "T1001", receivedAt: OperatorTestBed.Now.AddDays(-10));
        var oldUnpublished = await _bed.SeedAsync("1002", "T1002", published: false, receivedAt: OperatorTestBed.Now.AddDays(-10));
        var recent = await _bed.SeedAsync("1003", "T1003", receivedAt: OperatorTestBed.Now.AddHours(-1));

        var preview = await _bed.RunAsync("retention");
        var stillThere = await _bed.RunAsync("list", "--day", oldPublished.Day);
        var keptByPreview = await _bed.TableLedger.FindRecordAsync(oldPublished.MessageId, CancellationToken.None);
        var apply = await _bed.RunAsync("retention", "--apply");

        Assert.True(preview.ExitCode == 0, preview.ToString());
        Assert.Contains("Preview, nothing deleted", preview.Out, StringComparison.Ordinal);
        Assert.Contains("would delete 1 published notification record(s) first received before 2026-11-22T10:00:00.000+07:00", preview.Out, StringComparison.Ordinal);
        Assert.Contains("would delete 2 external-id row(s) of days before 2026-11-22", preview.Out, StringComparison.Ordinal);
        Assert.Contains("2 notification(s) on 2026-11-14", stillThere.Out, StringComparison.Ordinal);
        Assert.NotNull(keptByPreview);

        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Contains("Applied:", apply.Out, StringComparison.Ordinal);
        Assert.Contains("deleted 1 published notification record(s)", apply.Out, StringComparison.Ordinal);
        Assert.Contains("deleted 2 external-id row(s)", apply.Out, StringComparison.Ordinal);
        Assert.Null(await _bed.TableLedger.FindRecordAsync(oldPublished.MessageId, CancellationToken.None));
        Assert.Equal("Received", (await _bed.TableLedger.FindRecordAsync(oldUnpublished.MessageId, CancellationToken.None))!.State);
        Assert.Equal("Published", (await _bed.TableLedger.FindRecordAsync(recent.MessageId, CancellationToken.None))!.State);
        Assert.Contains("0 notification(s) on 2026-11-14", (await _bed.RunAsync("list", "--day", oldPublished.Day)).Out, StringComparison.Ordinal);
        Assert.Contains("1 notification(s) on 2026-11-24", (await _bed.RunAsync("list", "--day", recent.Day)).Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retention_refuses_a_period_shorter_than_the_app_allows()
    {
        await _bed.SeedAsync("1001", "T1001");
        _bed.Environment["Retention__Notifications"] = "1.00:00:00";

        var run = await _bed.RunAsync("retention", "--apply");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Retention__Notifications must be at least 2 days", run.Error, StringComparison.Ordinal);
    }
}
