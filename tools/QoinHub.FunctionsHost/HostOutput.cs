namespace QoinHub.FunctionsHost;

/// <summary>
/// What the host writes: its own lines (<c>[host] …</c>) and the worker's log records, in the
/// console logger's layout (<c>warn: Category[Event]</c>, the message indented below), so a log
/// read from <c>func start</c>, from this host or from the app run on its own looks alike.
/// </summary>
internal sealed class HostOutput(TextWriter? writer, Microsoft.Extensions.Logging.LogLevel minimumWorkerLevel)
{
    private readonly Lock _gate = new();

    public void Host(string line)
    {
        if (writer is null)
        {
            return;
        }

        lock (_gate)
        {
            writer.WriteLine("[host] " + line);
            writer.Flush();
        }
    }

    public void Worker(RpcLog log)
    {
        if (writer is null || (int)log.Level < (int)minimumWorkerLevel || log.Level == RpcLog.Types.Level.None || log.LogCategory == RpcLog.Types.RpcLogCategory.CustomMetric)
        {
            return;
        }

        var eventId = string.IsNullOrEmpty(log.EventId) ? "0" : log.EventId;
        var text = new System.Text.StringBuilder()
            .Append(Abbreviation(log.Level)).Append(": ").Append(log.Category).Append('[').Append(eventId).Append(']').AppendLine();
        foreach (var line in (log.Message ?? string.Empty).Split('\n'))
        {
            text.Append("      ").AppendLine(line.TrimEnd('\r'));
        }

        if (log.Exception is { } exception && !string.IsNullOrEmpty(exception.Message))
        {
            text.Append("      ").AppendLine(exception.Message);
            if (!string.IsNullOrEmpty(exception.StackTrace))
            {
                text.AppendLine(exception.StackTrace);
            }
        }

        lock (_gate)
        {
            writer.Write(text.ToString());
            writer.Flush();
        }
    }

    private static string Abbreviation(RpcLog.Types.Level level) => level switch
    {
        RpcLog.Types.Level.Trace => "trce",
        RpcLog.Types.Level.Debug => "dbug",
        RpcLog.Types.Level.Information => "info",
        RpcLog.Types.Level.Warning => "warn",
        RpcLog.Types.Level.Error => "fail",
        RpcLog.Types.Level.Critical => "crit",
        _ => "none",
    };
}
