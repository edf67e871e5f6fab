using System.Diagnostics;
using System.Text.RegularExpressions;

namespace QoinHub.Merchant.Testing;

/// <summary>
/// One Azurite process per test run, started from the repository's pinned npm package
/// (<c>npm ci</c> installs it) on ports the OS picks, in memory, and stopped when the run ends.
/// Set <c>AZURITE_CONNECTION_STRING</c> to use an emulator that is already running instead.
/// </summary>
public sealed partial class AzuriteServer : IDisposable
{
    private static readonly Lazy<AzuriteServer> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Process? _process;

    private AzuriteServer(string connectionString, Process? process)
    {
        ConnectionString = connectionString;
        _process = process;
    }

    public static AzuriteServer Instance => Shared.Value;

    public const string AccountName = "devstoreaccount1";

    public const string AccountKey =
        "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    /// <summary>A connection string with explicit endpoints for the blob, queue and table services.</summary>
    public string ConnectionString { get; }

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "QoinHub.Merchant.slnx")))
                {
                    return dir.FullName;
                }
            }

            throw new InvalidOperationException("Cannot find the repository root (QoinHub.Merchant.slnx) above " + AppContext.BaseDirectory);
        }
    }

    private static AzuriteServer Start()
    {
        var external = Environment.GetEnvironmentVariable("AZURITE_CONNECTION_STRING");
        if (!string.IsNullOrWhiteSpace(external))
        {
            return new AzuriteServer(external, null);
        }

        var azurite = Path.Combine(RepositoryRoot, "node_modules", ".bin", "azurite");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException(
                $"Azurite is not installed at {azurite}. Run 'npm ci' in the repository root (scripts/test.sh does this).");
        }

        var start = new ProcessStartInfo(azurite)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     "--inMemoryPersistence", "--disableTelemetry", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
                     "--blobHost", "127.0.0.1", "--blobPort", "0",
                     "--queueHost", "127.0.0.1", "--queuePort", "0",
                     "--tableHost", "127.0.0.1", "--tablePort", "0",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Azurite did not start.");
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (ports.Count < 3)
        {
            var readLine = process.StandardOutput.ReadLineAsync();
            if (!readLine.Wait(deadline - DateTime.UtcNow) || readLine.Result is null)
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException("Azurite did not report its ports in time: " + process.StandardError.ReadToEnd());
            }

            var match = ListeningLine().Match(readLine.Result);
            if (match.Success)
            {
                ports[match.Groups["service"].Value] = int.Parse(match.Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        // Keep draining output so the child never blocks on a full pipe.
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var server = new AzuriteServer(
            $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};" +
            $"BlobEndpoint=http://127.0.0.1:{ports["Blob"]}/{AccountName};" +
            $"QueueEndpoint=http://127.0.0.1:{ports["Queue"]}/{AccountName};" +
            $"TableEndpoint=http://127.0.0.1:{ports["Table"]}/{AccountName};",
            process);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server;
    }

    public void Dispose()
    {
        if (_process is { HasExited: false })
        {
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
        }
    }

    [GeneratedRegex(@"Azurite (?<service>Blob|Queue|Table) service is successfully listening at http://[^:]+:(?<port>\d+)")]
    private static partial Regex ListeningLine();
}
