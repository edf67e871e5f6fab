using System.Diagnostics;
using System.Text;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>dotnet &lt;assembly&gt; args</c>, or a native executable with its args, as a separate process
/// with its output captured; disposing kills the whole process tree.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private ChildProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string StandardOutput
    {
        get
        {
            lock (_gate)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public string AllOutput => StandardOutput + StandardError;

    /// <summary>The dotnet host the tests run under (the SDK sets DOTNET_HOST_PATH), or dotnet from PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static ChildProcess StartDotnet(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null) =>
        Start(DotnetHost, [assembly, .. arguments], environment, workingDirectory ?? Path.GetDirectoryName(assembly)!);

    /// <summary>
    /// The app as a merchant's developer runs it without Core Tools: the project's Functions host
    /// serving the published worker, with <paramref name="arguments"/> for the host (e.g. <c>--port</c>).
    /// </summary>
    public static ChildProcess StartApp(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        StartDotnet(BuildOutput.Host, ["--app", BuildOutput.PublishedApp, .. arguments], environment, BuildOutput.PublishedApp);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(child._stdout, e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(child._stderr, e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the process to end and for its output to be read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);

            // Once exited, this returns when the redirected output has been read to its end.
            _process.WaitForExit();
        }
        catch (OperationCanceledException)
        {
            Dispose();
            throw new TimeoutException($"The process did not finish within {timeout.TotalSeconds:0} s. Output so far:\n{AllOutput}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.AppendLine(line);
        }
    }
}
