using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>
/// Azurite's queue service alone, started WITHOUT --skipApiVersionCheck, so that it refuses service
/// versions it does not know the way a deployed emulator does. In memory, on 127.0.0.1, no telemetry.
/// </summary>
internal sealed partial class StrictAzuriteQueue : IDisposable
{
    private readonly Process _process;

    private StrictAzuriteQueue(Process process, int port)
    {
        _process = process;
        ConnectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};" +
            $"QueueEndpoint=http://127.0.0.1:{port}/{AzuriteServer.AccountName};";
    }

    public string ConnectionString { get; }

    public static StrictAzuriteQueue Start()
    {
        var executable = Path.Combine(AzuriteServer.RepositoryRoot, "node_modules", ".bin", "azurite-queue");
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Azurite is not installed at {executable}. Run 'npm ci' in the repository root.");
        }

        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 {
                     "--inMemoryPersistence", "--disableTelemetry", "--disableProductStyleUrl",
                     "--queueHost", "127.0.0.1", "--queuePort", "0",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("azurite-queue did not start.");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var line = process.StandardOutput.ReadLineAsync();
            if (!line.Wait(deadline - DateTime.UtcNow) || line.Result is null)
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw new InvalidOperationException("azurite-queue did not report its port in time.");
            }

            var match = Listening().Match(line.Result);
            if (match.Success)
            {
                _ = process.StandardOutput.ReadToEndAsync();
                _ = process.StandardError.ReadToEndAsync();
                return new StrictAzuriteQueue(process, int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture));
            }
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    [GeneratedRegex(@"Azurite Queue service (?:is successfully listening at|successfully listens on) http://[^:]+:(?<port>\d+)")]
    private static partial Regex Listening();
}
