using System.Diagnostics;

namespace QoinHub.FunctionsHost.Worker;

/// <summary>
/// Starts the worker as a child process, as the real host does: worker.config.json's executable
/// (<c>dotnet</c>) with the app's assembly, the worker's arguments and the app settings in its
/// environment, working in the app directory. Its standard output and error are passed through
/// to <paramref name="stdout"/> and <paramref name="stderr"/> line by line.
/// </summary>
public sealed class ProcessWorkerLauncher(TextWriter? stdout, TextWriter? stderr) : IWorkerLauncher
{
    public Task<IRunningWorker> StartAsync(WorkerStartInfo start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        var config = WorkerConfig.Read(start.ApplicationDirectory);
        var info = new ProcessStartInfo(ExecutableFor(config.ExecutablePath))
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            WorkingDirectory = start.ApplicationDirectory,
        };
        foreach (var argument in config.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add(Path.Combine(start.ApplicationDirectory, config.WorkerPath));
        foreach (var argument in start.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment.Clear();
        foreach (var (name, value) in start.Environment)
        {
            info.Environment[name] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var running = new RunningProcess(process);
        process.OutputDataReceived += (_, e) => running.Write(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => running.Write(stderr, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start the worker ({info.FileName}).");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return Task.FromResult<IRunningWorker>(running);
    }

    /// <summary><c>dotnet</c> is the one running this host when there is one (the SDK's DOTNET_HOST_PATH or this process), else the one on PATH.</summary>
    private static string ExecutableFor(string executable)
    {
        if (!string.Equals(executable, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return executable;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host))
        {
            return host;
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : executable;
    }

    private sealed class RunningProcess : IRunningWorker
    {
        private readonly Process _process;
        private readonly TaskCompletionSource<int> _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _gate = new();

        public RunningProcess(Process process)
        {
            _process = process;
            process.Exited += (_, _) => _ = CompleteAsync();
        }

        public Task<int> Exited => _exited.Task;

        public void Write(TextWriter? target, string? line)
        {
            if (target is null || line is null)
            {
                return;
            }

            lock (_gate)
            {
                target.WriteLine(line);
                target.Flush();
            }
        }

        public async Task StopAsync(TimeSpan grace)
        {
            // The host has asked the worker to terminate (WorkerTerminate) when it could; past the
            // grace period the process is killed.
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _exited.Task.WaitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                try
                {
                    _process.Kill(entireProcessTree: true);
                }
                catch (InvalidOperationException)
                {
                    // Already gone.
                }

                await _exited.Task;
            }
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync(TimeSpan.FromSeconds(5));
            _process.Dispose();
        }

        private async Task CompleteAsync()
        {
            // Exited fires before the redirected output is read to its end; this waits for it.
            await _process.WaitForExitAsync();
            _exited.TrySetResult(_process.ExitCode);
        }
    }
}
