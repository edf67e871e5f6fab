using System.CommandLine;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Output;
using QoinHub.Simulator.Queues;

namespace QoinHub.Simulator.Cli;

/// <summary>
/// <c>queue peek|count|drain</c>: what arrived on the app's local Storage queue, without the Azure CLI.
/// </summary>
public static class QueueCommand
{
    public const string DefaultQueueName = "payment-notifications";
    public const string DefaultConnectionString = "UseDevelopmentStorage=true";

    public static Command Create() =>
        new("queue", "Shows what arrived on the app's local Storage queue: peek at it, count it or drain it")
        {
            Peek(),
            Count(),
            Drain(),
        };

    /// <summary>The queue the options name, refused as a usage error when the connection string cannot be a Storage one.</summary>
    public static QueueAccess Checked(QueueAccess access)
    {
        try
        {
            QueueClients.Create(access);
            return access;
        }
        catch (ArgumentException exception)
        {
            throw new UsageException(exception.Message, exception);
        }
    }

    private static Command Peek()
    {
        var max = new Option<int>("--max")
        {
            Description = $"Show at most this many messages from the front of the queue (1 to {QueueInspector.PeekLimit}: a peek sees no further)",
            DefaultValueFactory = _ => QueueInspector.PeekLimit,
        };
        var command = new Command("peek", "Shows messages without changing them: nothing is hidden from consumers, nothing counts as a dequeue") { max };
        var queue = new QueueOptions();
        queue.AddTo(command);
        command.SetAction((result, cancellationToken) => SimulatorCommandLine.GuardAsync(async () =>
        {
            var limit = result.GetValue(max);
            if (limit is < 1 or > QueueInspector.PeekLimit)
            {
                throw new UsageException($"--max must be between 1 and {QueueInspector.PeekLimit}: a Storage queue shows no more to a peek. 'queue count' tells how many there are.");
            }

            var inspector = queue.Open(result);
            if (!await ExistsOrSayAsync(inspector, cancellationToken))
            {
                return ExitCodes.Success;
            }

            var messages = await inspector.PeekAsync(limit, cancellationToken);
            Console.Out.WriteLine(
                $"Queue {inspector.QueueName} on {inspector.AccountName}: {Messages(messages.Count)} shown" +
                (messages.Count == limit ? $", the first {limit} ('queue count' tells how many there are)" : string.Empty) +
                "; peeked: none hidden from consumers, none dequeued");
            Console.Out.WriteLine();
            for (var i = 0; i < messages.Count; i++)
            {
                QueueMessageWriter.Write(Console.Out, i + 1, messages[i]);
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Count()
    {
        var command = new Command("count", "Prints the queue's approximate message count");
        var queue = new QueueOptions();
        queue.AddTo(command);
        command.SetAction((result, cancellationToken) => SimulatorCommandLine.GuardAsync(async () =>
        {
            var inspector = queue.Open(result);
            if (!await ExistsOrSayAsync(inspector, cancellationToken))
            {
                return ExitCodes.Success;
            }

            var count = await inspector.CountAsync(cancellationToken);
            Console.Out.WriteLine($"Queue {inspector.QueueName} on {inspector.AccountName}: about {Messages(count)} (Storage's approximate count, hidden messages included)");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command Drain()
    {
        var command = new Command("drain", "Receives and deletes every message, printing each one first");
        var queue = new QueueOptions();
        queue.AddTo(command);
        command.SetAction((result, cancellationToken) => SimulatorCommandLine.GuardAsync(async () =>
        {
            var inspector = queue.Open(result);
            if (!await ExistsOrSayAsync(inspector, cancellationToken))
            {
                return ExitCodes.Success;
            }

            var number = 0;
            var drained = await inspector.DrainAsync(message => QueueMessageWriter.Write(Console.Out, ++number, message), cancellationToken);
            Console.Out.WriteLine($"Queue {inspector.QueueName} on {inspector.AccountName}: {Messages(drained)} received and deleted");
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>True when the queue exists; otherwise says so (there is nothing to show) and returns false.</summary>
    private static async Task<bool> ExistsOrSayAsync(QueueInspector inspector, CancellationToken cancellationToken)
    {
        if (await inspector.ExistsAsync(cancellationToken))
        {
            return true;
        }

        Console.Out.WriteLine($"Queue {inspector.QueueName} does not exist on {inspector.AccountName}: the app creates it when it publishes its first notification.");
        return false;
    }

    private static string Messages(int count) => count == 1 ? "1 message" : $"{count} messages";
}
