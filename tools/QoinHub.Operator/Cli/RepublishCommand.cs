using System.CommandLine;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Telemetry;
using QoinHub.OperatorTool.Operations;
using QoinHub.OperatorTool.Output;

namespace QoinHub.OperatorTool.Cli;

/// <summary>
/// <c>republish</c>: publishes a stored notification again, under its own message id, by the same
/// claim and publish the app uses; published or not before. Refused while another claimant holds it,
/// and for a record that fails its MAC check. Prints what the envelope it sends carries.
/// </summary>
public static class RepublishCommand
{
    public static Command Create(OperatorConsole console, StorageCliOptions storage)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(storage);
        var selector = new RecordSelector();
        var command = new Command(
            "republish",
            "Publishes a stored notification again with the same message id, to the queue the app's settings name (ServiceBus__* or LocalQueue__Name), " +
            "and marks it published. Refused while a request or the relay holds it. Service Bus duplicate detection drops it within its window.");
        selector.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (await OperatorCommandLine.CheckUsageAsync(console, () => selector.Validate(result, console.Clock)) is { } usage)
            {
                return usage;
            }

            return await OperatorCommandLine.RunAsync(console, storage.Overrides(result), withPublisher: true, async services =>
            {
                var found = (await selector.FindAsync(result, services, cancellationToken))
                    .Where(notification => notification.Record is not null)
                    .DistinctBy(notification => notification.MessageId)
                    .ToList();
                if (found.Count == 0)
                {
                    await console.Error.WriteLineAsync($"Not found: no stored record with {selector.Describe(result)} in table '{services.NotificationTable}'; nothing republished.");
                    return ExitCodes.NotFoundOrRefused;
                }

                if (found.Count > 1)
                {
                    await console.Error.WriteLineAsync($"{selector.Describe(result)} matches {found.Count} records; name one with --message-id (or --day, --status):");
                    foreach (var notification in found)
                    {
                        var message = notification.Record!.Message;
                        await console.Error.WriteLineAsync(
                            $"  {notification.MessageId}  {notification.State}  day {Times.Day(notification.Record.JakartaDay)}  X-EXTERNAL-ID {message.ExternalId}  status {message.LatestTransactionStatus}");
                    }

                    return ExitCodes.Usage;
                }

                return await RepublishAsync(console, services, found[0].MessageId, cancellationToken);
            }, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RepublishAsync(OperatorConsole console, OperatorServices services, string messageId, CancellationToken cancellationToken)
    {
        var claim = await services.Ledger.ClaimStoredAsync(messageId, services.Clock.GetUtcNow(), services.Outbox.ClaimLease, evenIfPublished: true, cancellationToken);
        switch (claim.Outcome)
        {
            case LedgerOutcome.Claimed:
                break;
            case LedgerOutcome.InProgress:
                var held = await services.Ledger.FindRecordAsync(messageId, cancellationToken);
                var lease = held is null ? "a live claim" : NotificationPrinter.Lease(held, services.Clock.GetUtcNow());
                await console.Error.WriteLineAsync(
                    $"Refused: record {messageId} is {lease}. Nothing republished; run show to follow it, and republish after the lease if it is still not published.");
                return ExitCodes.NotFoundOrRefused;
            case LedgerOutcome.NotFound:
                await console.Error.WriteLineAsync($"Not found: record {messageId} was deleted meanwhile; nothing republished.");
                return ExitCodes.NotFoundOrRefused;
            case LedgerOutcome.Tampered:
                services.Delivery.ReportTampered(claim, MerchantTelemetry.Claimants.Operator);
                await console.Error.WriteLineAsync(
                    $"Refused: record {messageId} fails its integrity check ({claim.Problem}): it was changed or written without the outbox MAC key, so it is never published. " +
                    "Nothing republished; see docs/operations.md, Tampered outbox record.");
                return ExitCodes.NotFoundOrRefused;
            default:
                await console.Error.WriteLineAsync($"Refused: the ledger answered {claim.Outcome} for record {messageId}; nothing republished.");
                return ExitCodes.NotFoundOrRefused;
        }

        var message = claim.Message!;
        var target = SettingHints.PublishTarget(services.Configuration);

        // What goes on the queue is the envelope itself: say what it carries, not what the columns say.
        console.Out.WriteLine("Sending the stored envelope: " + NotificationPrinter.Summary(message.Envelope) + ".");
        if (!await services.Delivery.PublishClaimedAsync(claim, CancellationToken.None))
        {
            await console.Error.WriteLineAsync(
                $"The queue did not accept {messageId}; the record is unchanged and its claim released. Check {SettingHints.Queue(services.Configuration)}.");
            return ExitCodes.Unreachable;
        }

        var record = await services.Ledger.FindRecordAsync(messageId, cancellationToken);
        console.Out.WriteLine(
            $"Republished {messageId} (partner {message.PartnerId}, X-EXTERNAL-ID {message.ExternalId}, originalReferenceNo {message.OriginalReferenceNo}, " +
            $"status {message.LatestTransactionStatus}) to {target} as attempt {claim.Attempt}.");
        console.Out.WriteLine(record is null
            ? "The record was deleted meanwhile."
            : $"Record state: {record.State}, published at {NotificationPrinter.PublishTimes(record)}.");
        return ExitCodes.Success;
    }
}
