using System.CommandLine;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Queues;

namespace QoinHub.Simulator.Cli;

/// <summary><c>--queue-connection-string</c> and <c>--queue-name</c> of the <c>queue</c> commands, defaulting to the local app's queue on Azurite.</summary>
public sealed class QueueOptions
{
    public Option<string> ConnectionString { get; } = new("--queue-connection-string")
    {
        Description = "Connection string of the storage account (the app's Storage__ConnectionString; run-local.sh prints it)",
        DefaultValueFactory = _ => QueueCommand.DefaultConnectionString,
    };

    public Option<string> Name { get; } = new("--queue-name")
    {
        Description = "The queue (the app's LocalQueue__Name)",
        DefaultValueFactory = _ => QueueCommand.DefaultQueueName,
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(ConnectionString);
        command.Options.Add(Name);
    }

    public QueueInspector Open(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return QueueInspector.For(QueueCommand.Checked(new QueueAccess(result.GetValue(ConnectionString)!, result.GetValue(Name)!)));
    }
}
