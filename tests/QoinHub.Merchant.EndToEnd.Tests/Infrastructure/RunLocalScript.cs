using System.Globalization;
using System.Net;
using System.Net.Sockets;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// <c>scripts/run-local.sh</c> run as a user runs it, in a process group of its own, from a
/// temporary copy of the repository root: the script, and links to the built <c>src/</c> and
/// <c>tools/</c> and to <c>node_modules/</c>. So its <c>.dev/</c> and <c>.azurite/</c> are its
/// own and a developer's running instance is never touched. <c>SKIP_BUILD=1</c>: the solution's
/// Release build, which the tests run on, is what it starts (a build here would rewrite files
/// the other test projects are using), and <c>FUNCTIONS_HOST=project</c>: the project's Functions
/// host, as on a machine without Core Tools, even where they are installed.
/// </summary>
internal sealed class RunLocalScript : IDisposable
{
    public static readonly string[] PortVariables = ["PORT", "AZURITE_BLOB_PORT", "AZURITE_QUEUE_PORT", "AZURITE_TABLE_PORT"];

    /// <summary>What the temporary root links to in the repository; the links, never their targets, are deleted afterwards.</summary>
    private static readonly string[] Linked = ["node_modules", "package-lock.json", "src", "tools"];

    private readonly ScriptProcess _script;

    private RunLocalScript(string root, ScriptProcess script)
    {
        Root = root;
        _script = script;
    }

    /// <summary>The temporary repository root the script runs in.</summary>
    public string Root { get; }

    /// <summary>The script's process id, which is also its process group's id (it is started by setsid).</summary>
    public int ProcessGroup => _script.ProcessGroup;

    public bool HasExited => _script.HasExited;

    /// <summary>Everything the script and its children wrote to stdout and stderr so far.</summary>
    public string Output => _script.Output;

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

    public static RunLocalScript Start(IReadOnlyDictionary<string, int> ports)
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

        var environment = ports.ToDictionary(pair => pair.Key, pair => pair.Value.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        environment["SKIP_BUILD"] = "1";
        environment["FUNCTIONS_HOST"] = "project";
        return new RunLocalScript(root, ScriptProcess.Start(Path.Combine(root, "scripts", "run-local.sh"), root, [], environment));
    }

    public Task<int> WaitForExitAsync(TimeSpan timeout) => _script.WaitForExitAsync(timeout);

    /// <summary>Waits until the output holds <paramref name="text"/>; fails early if the script exits first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (_script.HasExited)
            {
                throw new InvalidOperationException($"run-local.sh exited with code {_script.ExitCode} before printing '{text}':\n{Output}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"run-local.sh did not print '{text}' within {timeout.TotalSeconds:0} s:\n{Output}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Sends SIGTERM to the script alone (not its group): what it started must go with it.</summary>
    public void Terminate() => _script.Terminate();

    /// <summary>Processes still alive in the script's process group (Linux: read from /proc).</summary>
    public IReadOnlyList<string> ProcessesLeft() => _script.ProcessesLeft();

    public void Dispose()
    {
        // Whatever the test concluded, nothing of this run may outlive it.
        if (ProcessesLeft().Count > 0)
        {
            _script.KillGroup();
            for (var i = 0; i < 50 && ProcessesLeft().Count > 0; i++)
            {
                Thread.Sleep(100);
            }
        }

        _script.Dispose();
        try
        {
            // unlink(2) removes a link and leaves what it points to; only then is the rest deleted.
            foreach (var link in Linked.Select(name => Path.Combine(Root, name)))
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
}
