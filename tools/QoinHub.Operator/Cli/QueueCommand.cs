using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.AzureAdapters.StorageQueues;
using QoinHub.OperatorTool.Operations;
using QoinHub.OperatorTool.Output;

namespace QoinHub.OperatorTool.Cli;

/// <summary><c>queue find</c>: one message, by its message id, on the app's local Storage queue, left where it is.</summary>
public static class QueueCommand
{
    public static Command Create(OperatorConsole console, StorageCliOptions storage)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(storage);
        var messageId = new Option<string>("--message-id") { Description = "The envelope's messageId (the ledger's message id)", Required = true };
        var find = new Command(
            "find",
            "Finds the message with this message id on the storage queue the app publishes to (LocalQueue__Name) and prints it, leaving every message on the queue: " +
            "a peek when the queue holds at most 32 messages, otherwise each message is received, hidden for at most 30 s, and made visible again at once")
        {
            messageId,
        };
        find.SetAction(async (result, cancellationToken) =>
        {
            var id = result.GetValue(messageId)!.Trim().ToLowerInvariant();
            if (await OperatorCommandLine.CheckUsageAsync(console, () => Check(id, result, storage, console)) is { } usage)
            {
                return usage;
            }

            return await OperatorCommandLine.RunAsync(console, storage.Overrides(result), withPublisher: true, async services =>
            {
                var target = SettingHints.PublishTarget(services.Configuration);
                var queue = services.Provider.GetRequiredService<StorageQueuePublisher>().Queue;
                if (!await queue.ExistsAsync(cancellationToken))
                {
                    await console.Error.WriteLineAsync($"Not found: {target} does not exist (the app creates it with its first publish).");
                    return ExitCodes.NotFoundOrRefused;
                }

                var (envelope, read) = await QueueSearch.FindAsync(queue, id, cancellationToken);
                if (envelope is null)
                {
                    await console.Error.WriteLineAsync($"Not found: no message {id} among the {read} on {target}; every message was left on it.");
                    return ExitCodes.NotFoundOrRefused;
                }

                console.Out.WriteLine($"Found {id} on {target} (read {read} message(s); every message was left on it):");
                console.Out.WriteLine(NotificationPrinter.Pretty(System.Text.Encoding.UTF8.GetBytes(envelope)));
                return ExitCodes.Success;
            }, cancellationToken);
        });
        return new Command("queue", "Reads the app's local Storage queue without taking messages from its consumers") { find };
    }

    private static void Check(string id, ParseResult result, StorageCliOptions storage, OperatorConsole console)
    {
        if (!RecordFinder.IsMessageId(id))
        {
            throw new UsageException($"--message-id '{id}' is not a message id (64 hex characters).");
        }

        var configuration = OperatorCommandLine.BuildConfiguration(console, storage.Overrides(result));
        if (!string.IsNullOrWhiteSpace(configuration["ServiceBus:FullyQualifiedNamespace"]) || !string.IsNullOrWhiteSpace(configuration["ServiceBus:ConnectionString"]))
        {
            throw new UsageException(
                "queue find reads the local Storage queue; the settings name a Service Bus queue. There, peek with Service Bus Explorer in the portal and filter by MessageId (docs/operations.md, Finding a message on the queue).");
        }
    }
}
