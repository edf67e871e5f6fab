using System.CommandLine;
using System.Globalization;
using QoinHub.OperatorTool.Operations;
using QoinHub.OperatorTool.Output;

namespace QoinHub.OperatorTool.Cli;

/// <summary><c>relay</c>: one run of the app's outbox relay, now.</summary>
public static class RelayCommand
{
    public static Command Create(OperatorConsole console, StorageCliOptions storage)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(storage);
        var relayAfter = new Option<string?>("--relay-after")
        {
            Description = "Relay records first received at least this long ago (e.g. 0s, 30s, 2m; default: Outbox__RelayAfter, else 2 minutes)",
        };
        var command = new Command(
            "relay",
            "Runs the outbox relay once: publishes every recorded notification that is not published, older than the relay age and not held by a claim; prints the counts")
        {
            relayAfter,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = storage.Overrides(result).ToList();
            if (result.GetValue(relayAfter) is { } text)
            {
                if (!Durations.TryParse(text, out var duration))
                {
                    await console.Error.WriteLineAsync($"--relay-after '{text}' is not a duration such as 0s, 30s or 2m.");
                    return ExitCodes.Usage;
                }

                overrides.Add(new("Outbox:RelayAfter", duration.ToString("c", CultureInfo.InvariantCulture)));
            }

            return await OperatorCommandLine.RunAsync(console, overrides, withPublisher: true, async services =>
            {
                var run = await services.Relay.RunOnceAsync(cancellationToken);
                console.Out.WriteLine(
                    $"Relay: {run.Pending} unpublished record(s) first received at least {Times.Format(services.Outbox.RelayAfter)} ago; " +
                    $"{run.Published} published, {run.Failed} failed, {run.Skipped} skipped (held by a live claim, or published meanwhile), " +
                    $"{run.Orphans} orphan marker(s) removed.");
                if (run.OldestAge is { } oldest)
                {
                    console.Out.WriteLine($"The oldest was {Times.Format(oldest)} old.");
                }

                if (run.NotDue > 0)
                {
                    console.Out.WriteLine(
                        $"{run.NotDue} unpublished record(s) younger than {Times.Format(services.Outbox.RelayAfter)} are not due yet (run relay --relay-after 0s to publish them now).");
                }

                if (run.Tampered > 0)
                {
                    console.Out.WriteLine(
                        $"{run.Tampered} refused: failed the integrity check (changed or written without the outbox MAC key); not published, logged as event 4301. " +
                        "Find them with list --state received and show; see docs/operations.md, Tampered outbox record.");
                }

                if (run.Failed > 0)
                {
                    await console.Error.WriteLineAsync(
                        $"The queue did not accept {run.Failed} record(s); they stay recorded for the next run. Check {SettingHints.Queue(services.Configuration)}.");
                    return ExitCodes.Unreachable;
                }

                return run.Tampered > 0 ? ExitCodes.NotFoundOrRefused : ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
