using System.CommandLine;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.OperatorTool.Operations;
using QoinHub.OperatorTool.Output;

namespace QoinHub.OperatorTool.Cli;

/// <summary><c>list</c>: every <c>X-EXTERNAL-ID</c> of one Asia/Jakarta day, with the state of its record.</summary>
public static class ListCommand
{
    public static Command Create(OperatorConsole console, StorageCliOptions storage)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(storage);
        var day = new Option<string>("--day") { Description = "The Asia/Jakarta day of the notifications' X-TIMESTAMP: yyyy-MM-dd, today or yesterday", Required = true };
        var partner = new Option<string?>("--partner") { Description = "Only this partner (X-PARTNER-ID)" };
        var state = new Option<string?>("--state") { Description = "Only records in this state: received (not published yet) or published" };
        state.AcceptOnlyFromAmong("received", "published");
        var json = new Option<bool>("--json") { Description = "One JSON array instead of the table" };
        var command = new Command("list", "Lists the notifications of a day: one line per X-EXTERNAL-ID with its record's state, attempts, first receipt, publish time and message id")
        {
            day, partner, state, json,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            DateOnly jakartaDay = default;
            if (await OperatorCommandLine.CheckUsageAsync(console, () => jakartaDay = Days.Parse(result.GetValue(day)!, "--day", console.Clock)) is { } usage)
            {
                return usage;
            }

            var partnerId = result.GetValue(partner);
            var wanted = result.GetValue(state);
            return await OperatorCommandLine.RunAsync(console, storage.Overrides(result), withPublisher: false, async services =>
            {
                var found = new List<FoundNotification>();
                var records = new Dictionary<string, LedgerEntry?>(StringComparer.Ordinal);
                await foreach (var row in services.Ledger.ListExternalIdsAsync(jakartaDay, cancellationToken))
                {
                    if (partnerId is not null && !string.Equals(row.PartnerId, partnerId, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    if (!records.TryGetValue(row.MessageId, out var record))
                    {
                        record = await services.Ledger.FindRecordAsync(row.MessageId, cancellationToken);
                        records[row.MessageId] = record;
                    }

                    var notification = new FoundNotification(row.MessageId, row, record);
                    if (wanted is null || string.Equals(notification.State, wanted, StringComparison.OrdinalIgnoreCase))
                    {
                        found.Add(notification);
                    }
                }

                found.Sort((a, b) => a.ExternalIdRow!.ReceivedAt.CompareTo(b.ExternalIdRow!.ReceivedAt));
                if (result.GetValue(json))
                {
                    NotificationPrinter.WriteListJson(console.Out, found);
                    return ExitCodes.Success;
                }

                if (found.Count > 0)
                {
                    NotificationPrinter.WriteList(console.Out, found);
                    console.Out.WriteLine();
                }

                var filters = (partnerId is null ? string.Empty : $" of partner {partnerId}") + (wanted is null ? string.Empty : $" in state {wanted}");
                console.Out.WriteLine(
                    $"{found.Count} notification(s){filters} on {Times.Day(jakartaDay)} (Asia/Jakarta): " +
                    $"{Count(found, "Published")} published, {Count(found, "Received")} received (not published yet), {Count(found, "none")} without a record.");
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return command;
    }

    private static int Count(List<FoundNotification> found, string state) =>
        found.Count(notification => string.Equals(notification.State, state, StringComparison.Ordinal));
}
