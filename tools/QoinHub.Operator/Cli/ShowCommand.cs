using System.CommandLine;
using QoinHub.OperatorTool.Output;

namespace QoinHub.OperatorTool.Cli;

/// <summary><c>show</c>: everything the ledger knows about one notification, and the message it holds.</summary>
public static class ShowCommand
{
    public static Command Create(OperatorConsole console, StorageCliOptions storage)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(storage);
        var selector = new RecordSelector();
        var json = new Option<bool>("--json") { Description = "One JSON array (a notification per match) instead of text" };
        var command = new Command(
            "show",
            "Shows a notification found by --external-id and --partner, by --reference (originalReferenceNo) and --partner, or by --message-id: " +
            "its state, receipt and publish times, attempts, lease, and the stored message")
        {
            json,
        };
        selector.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (await OperatorCommandLine.CheckUsageAsync(console, () => selector.Validate(result, console.Clock)) is { } usage)
            {
                return usage;
            }

            return await OperatorCommandLine.RunAsync(console, storage.Overrides(result), withPublisher: false, async services =>
            {
                var found = await selector.FindAsync(result, services, cancellationToken);
                var now = services.Clock.GetUtcNow();
                if (found.Count == 0)
                {
                    await console.Error.WriteLineAsync($"Not found: no notification with {selector.Describe(result)} in table '{services.NotificationTable}'.");
                    if (result.GetValue(json))
                    {
                        NotificationPrinter.WriteDetailsJson(console.Out, found, now);
                    }

                    return ExitCodes.NotFoundOrRefused;
                }

                if (result.GetValue(json))
                {
                    NotificationPrinter.WriteDetailsJson(console.Out, found, now);
                    return ExitCodes.Success;
                }

                for (var i = 0; i < found.Count; i++)
                {
                    if (found.Count > 1)
                    {
                        console.Out.WriteLine($"== {i + 1} of {found.Count} ==");
                    }

                    NotificationPrinter.WriteDetails(console.Out, found[i], now);
                    if (i < found.Count - 1)
                    {
                        console.Out.WriteLine();
                    }
                }

                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }
}
