using QoinHub.FunctionsHost;

// QoinHub.FunctionsHost [--port 7071] [--app <function app directory>] [--no-timers]
// Serves the function app in <directory> (default: the current one) on http://127.0.0.1:<port>
// until Ctrl+C or until the worker stops; exits with the worker's exit code. Test and development
// infrastructure for machines without Azure Functions Core Tools (docs/functions-host.md).
var port = 7071;
var directory = Directory.GetCurrentDirectory();
var runTimers = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var parsed) && parsed is >= 0 and <= 65535:
            port = parsed;
            i++;
            break;
        case "--app" or "--script-root" when i + 1 < args.Length:
            directory = args[++i];
            break;
        case "--no-timers":
            runTimers = false;
            break;
        case "-h" or "--help":
            Console.WriteLine("usage: QoinHub.FunctionsHost [--port 7071] [--app <function app directory>] [--no-timers]");
            return 0;
        default:
            Console.Error.WriteLine($"QoinHub.FunctionsHost: unknown or incomplete option '{args[i]}' (--help lists them).");
            return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

FunctionsHost host;
try
{
    host = await FunctionsHost.StartAsync(new FunctionsHostOptions { ApplicationDirectory = directory, Port = port, RunTimers = runTimers, Output = Console.Out }, stop.Token);
}
catch (WorkerStartException exception)
{
    Console.Out.WriteLine("[host] " + exception.Message);
    return exception.ExitCode is { } code and not 0 ? code : 1;
}
catch (IOException exception) when (exception.InnerException is System.Net.Sockets.SocketException or null)
{
    Console.Out.WriteLine($"[host] Cannot listen on 127.0.0.1:{port}: {exception.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    return 130;
}

await using (host)
{
    var stopped = await Task.WhenAny(host.Stopped, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => 0, TaskScheduler.Default));
    if (stopped == host.Stopped)
    {
        var exitCode = await host.Stopped;
        return exitCode == 0 ? 1 : exitCode;
    }
}

return 0;
