using System.Diagnostics;
using System.Globalization;
using System.Text;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A bash script of <c>scripts/</c> started by setsid: it leads a process group of its own, so that
/// everything it started can be found (and, should the script fail to clean up, killed) as one. Its
/// stdout and stderr are captured together; the test run's MSBuild variables are not passed on.
/// </summary>
internal sealed class ScriptProcess : IDisposable
{
    private readonly Process _process;
    private readonly string _name;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private ScriptProcess(Process process, string name)
    {
        _process = process;
        _name = name;
    }

    /// <summary>The script's process id, which is also its process group's id.</summary>
    public int ProcessGroup => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the script and its children wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The exit code, once the script has exited and its output has been read to the end.</summary>
    public int ExitCode
    {
        get
        {
            _process.WaitForExit();
            return _process.ExitCode;
        }
    }

    public static ScriptProcess Start(string script, string workingDirectory, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = ToolStartInfo.Create("setsid", ["bash", script, .. arguments], workingDirectory);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var started = new ScriptProcess(process, Path.GetFileName(script));
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_name} did not exit within {timeout.TotalSeconds:0} s. Output so far:\n{Output}");
        }

        return ExitCode;
    }

    /// <summary>Processes still alive in the script's process group (Linux: read from /proc).</summary>
    public IReadOnlyList<string> ProcessesLeft() => [.. Alive(GroupField).Select(process => $"{process.Pid} {process.Command}")];

    /// <summary>
    /// Processes still alive in the script's session (setsid made it the leader): what it started in
    /// process groups of their own as well, as the measurement scripts do for the host and Azurite.
    /// </summary>
    public IReadOnlyList<string> ProcessesLeftInSession() => [.. Alive(SessionField).Select(process => $"{process.Pid} {process.Command}")];

    /// <summary>Kills every process of the script's session.</summary>
    public void KillSession()
    {
        foreach (var (pid, _) in Alive(SessionField))
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone meanwhile.
            }
        }
    }

    // Fields of /proc/<pid>/stat after "pid (command) ": state, ppid, pgrp, session, ...
    private const int GroupField = 2;
    private const int SessionField = 3;

    /// <summary>The live (not zombie) processes whose <paramref name="field"/> of /proc/pid/stat is the script's id.</summary>
    private IEnumerable<(int Pid, string Command)> Alive(int field)
    {
        var id = ProcessGroup.ToString(CultureInfo.InvariantCulture);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue; // Ended meanwhile, or not ours to read.
            }

            // "pid (command) state ppid pgrp session ...": the command may hold spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && fields[field] == id)
            {
                yield return (pid, stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')]);
            }
        }
    }

    /// <summary>Sends SIGTERM to the script alone (not its group): what it started must go with it.</summary>
    public void Terminate() => Signal("TERM", _process.Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Sends SIGKILL to the whole process group.</summary>
    public void KillGroup() => Signal("KILL", "-" + ProcessGroup.ToString(CultureInfo.InvariantCulture));

    public void Dispose() => _process.Dispose();

    private static void Signal(string signal, string target)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-s", signal, "--", target }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }
}
