using System.CommandLine;
using QoinHub.OperatorTool.Output;

namespace QoinHub.OperatorTool.Cli;

/// <summary><c>retention</c>: one run of the app's retention job, counting only (the default) or deleting.</summary>
public static class RetentionCommand
{
    public static Command Create(OperatorConsole console, StorageCliOptions storage)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(storage);
        var preview = new Option<bool>("--preview") { Description = "Count what would be deleted, delete nothing (the default)" };
        var apply = new Option<bool>("--apply") { Description = "Delete it" };
        var command = new Command(
            "retention",
            "Runs retention once (Retention__Notifications, Retention__TokensAfterExpiry, Retention__MaxRowsPerRun): expired token rows, " +
            "published notification records and external-id rows past the retention period. Never an unpublished record.")
        {
            preview, apply,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(preview) && result.GetValue(apply))
            {
                await console.Error.WriteLineAsync("Give --preview or --apply, not both.");
                return ExitCodes.Usage;
            }

            var previewOnly = !result.GetValue(apply);
            return await OperatorCommandLine.RunAsync(console, storage.Overrides(result), withPublisher: false, async services =>
            {
                if (services.RetentionSettings.Problems().FirstOrDefault() is { } problem)
                {
                    throw new UsageException(problem.Replace("Retention:", "Retention__", StringComparison.Ordinal) + ".");
                }

                var run = await services.Retention.RunOnceAsync(previewOnly, cancellationToken);
                var verb = run.Preview ? "would delete" : "deleted";
                console.Out.WriteLine(run.Preview ? "Preview, nothing deleted (--apply deletes):" : "Applied:");
                console.Out.WriteLine($"  {verb} {run.Tokens} token row(s) expired before {Times.Format(run.TokensExpiredBefore)}");
                console.Out.WriteLine($"  {verb} {run.Records} published notification record(s) first received before {Times.Format(run.NotificationsReceivedBefore)}");
                console.Out.WriteLine($"  {verb} {run.ExternalIds} external-id row(s) of days before {Times.Day(Days.Of(run.NotificationsReceivedBefore))} (Asia/Jakarta)");
                console.Out.WriteLine(run.Complete
                    ? "Complete."
                    : $"Not complete: Retention__MaxRowsPerRun ({services.RetentionSettings.MaxRowsPerRun}) reached; run again.");
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
