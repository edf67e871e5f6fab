using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>scripts/run-local.sh</c> run as a user runs it, in a process group of its own, from a
/// temporary copy of the repository root: the script, and links to the built <c>src/</c> and
/// <c>tools/</c> and to <c>node_modules/</c>. So its <c>.dev/</c> and <c>.azurite/</c> are its
/// own and a developer's running instance is never touched. <c>SKIP_BUILD=1</c>: the solution's
/// Release build, which the tests run on, is what it starts (a build here would rewrite files
/// the other test projects are using); with <c>AOT=1</c>, the native executable the test command
/// published (linked as <c>artifacts/aot</c>).
/// </summary>
internal sealed class RunLocalScript : IDisposable
{
    public static readonly string[] PortVariables = ["PORT", "AZURITE_BLOB_PORT", "AZURITE_QUEUE_PORT", "AZURITE_TABLE_PORT"];

    /// <summary>What the temporary root links to in the repository; the links, never their targets, are deleted afterwards.</summary>
    private static readonly string[] Linked = ["node_modules", "package-lock.json", "src", "tools"];

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private RunLocalScript(string root, Process process)
    {
        Root = root;
        _process = process;
    }

    /// <summary>The temporary repository root the script runs in.</summary>
    public string Root { get; }

    /// <summary>The script's process id, which is also its process group's id (it is started by setsid).</summary>
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

    /// <summary>Four free loopback ports, one per variable the script reads.</summary>
    public static Dictionary<string, int> FreePorts()
    {
        var listeners = PortVariables.Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            // All held at once, so the four are distinct.
            listeners.ForEach(listener => listener.Start());
            return PortVariables.Zip(listeners, (name, listener) => (name, ((IPEndPoint)listener.LocalEndpoint).Port))
                .ToDictionary(pair => pair.name, pair => pair.Item2, StringComparer.Ordinal);
        }
        finally
        {
            listeners.ForEach(listener => listener.Dispose());
        }
    }

    public static bool Listening(int port)
    {
        using var client = new TcpClient();
        try
        {
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public static RunLocalScript Start(IReadOnlyDictionary<string, int> ports, AppBuild build = AppBuild.Jit)
    {
        var repository = AzuriteServer.RepositoryRoot;
        var built = Path.Combine(repository, "src", "Functions", "bin", "Release", "net10.0", "QoinHub.Merchant.Functions.dll");
        Assert.True(File.Exists(built), $"{built} is missing: run-local.sh starts the Release build, so run these tests with -c Release (scripts/test.sh does).");

        var root = Directory.CreateTempSubdirectory("qoinhub-run-local-").FullName;
        Directory.CreateDirectory(Path.Combine(root, "scripts"));
        File.Copy(Path.Combine(repository, "scripts", "run-local.sh"), Path.Combine(root, "scripts", "run-local.sh"));
        foreach (var shared in Linked)
        {
            var target = Path.Combine(repository, shared);
            if (Directory.Exists(target))
            {
                Directory.CreateSymbolicLink(Path.Combine(root, shared), target);
            }
            else
            {
                File.CreateSymbolicLink(Path.Combine(root, shared), target);
            }
        }

        if (build == AppBuild.NativeAot)
        {
            Directory.CreateDirectory(Path.Combine(root, "artifacts"));
            Directory.CreateSymbolicLink(Path.Combine(root, "artifacts", "aot"), Path.GetDirectoryName(BuildOutput.NativeApp)!);
        }

        // setsid: the script leads a process group of its own, so that everything it started can be
        // found (and, should the script fail to clean up, killed) as one.
        var start = new ProcessStartInfo("setsid")
        {
            ArgumentList = { "bash", Path.Combine(root, "scripts", "run-local.sh") },
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, port) in ports)
        {
            start.Environment[name] = port.ToString(CultureInfo.InvariantCulture);
        }

        start.Environment["SKIP_BUILD"] = "1";
        start.Environment["AOT"] = build == AppBuild.NativeAot ? "1" : "0";
        var process = new Process { StartInfo = start };
        var script = new RunLocalScript(root, process);
        process.OutputDataReceived += (_, e) => script.Append(e.Data);
        process.ErrorDataReceived += (_, e) => script.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return script;
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancellation.Token);
            _process.WaitForExit();
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"run-local.sh did not exit within {timeout.TotalSeconds:0} s. Output so far:\n{Output}");
        }
    }

    /// <summary>Waits until the output holds <paramref name="text"/>; fails early if the script exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                _process.WaitForExit();
                throw new InvalidOperationException($"run-local.sh exited with code {_process.ExitCode} before printing '{text}':\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"run-local.sh did not print '{text}' within {timeout.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Sends SIGTERM to the script alone (not its group): what it started must go with it.</summary>
    public void Terminate() => Signal("TERM", _process.Id.ToString(CultureInfo.InvariantCulture));

    /// <summary>Processes still alive in the script's process group (Linux: read from /proc).</summary>
    public IReadOnlyList<string> ProcessesLeft()
    {
        var left = new List<string>();
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
            catch (IOException)
            {
                continue; // Ended meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (command) state ppid pgrp ...": the command may hold spaces and parentheses.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            if (fields[0] != "Z" && fields[2] == ProcessGroup.ToString(CultureInfo.InvariantCulture))
            {
                left.Add($"{pid} {stat[(stat.IndexOf('(', StringComparison.Ordinal) + 1)..stat.LastIndexOf(')')]}");
            }
        }

        return left;
    }

    public void Dispose()
    {
        // Whatever the test concluded, nothing of this run may outlive it.
        if (ProcessesLeft().Count > 0)
        {
            Signal("KILL", "-" + ProcessGroup.ToString(CultureInfo.InvariantCulture));
            for (var i = 0; i < 50 && ProcessesLeft().Count > 0; i++)
            {
                Thread.Sleep(100);
            }
        }

        _process.Dispose();
        try
        {
            // unlink(2) removes a link and leaves what it points to; only then is the rest deleted.
            foreach (var link in Linked.Append(Path.Combine("artifacts", "aot")).Select(name => Path.Combine(Root, name)))
            {
                File.Delete(link);
            }

            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A process that ignored SIGKILL still holds a file; the temporary directory stays behind.
        }
    }

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
