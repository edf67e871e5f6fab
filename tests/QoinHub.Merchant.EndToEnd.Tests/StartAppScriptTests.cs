using System.Globalization;
using System.Net;
using System.Net.Sockets;
using QoinHub.Merchant.EndToEnd.Tests.Durability;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests;

/// <summary>
/// <c>scripts/start-app.sh --port PORT</c>, the one command for checks from outside: the published
/// worker under the project's host, configured by environment variables only, nothing else started,
/// one process group to stop, and a refused setting reported in the app's one line.
/// </summary>
public sealed class StartAppScriptTests
{
    private static string Script => Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "start-app.sh");

    [Fact]
    public async Task Answers_on_the_given_port_starts_nothing_else_and_its_process_group_ends_with_the_worker()
    {
        using var credentials = await DevCredentials.CreateAsync();
        var port = FreePort();
        using var script = ScriptProcess.Start(Script, AzuriteServer.RepositoryRoot, ["--port", port.ToString(CultureInfo.InvariantCulture)], Settings(credentials));
        try
        {
            var baseUrl = new Uri($"http://127.0.0.1:{port}");
            await WaitUntilReadyAsync(script, baseUrl);
            using var caller = new SignedCaller(credentials, baseUrl);
            Assert.False(string.IsNullOrEmpty(await caller.GetTokenAsync()));

            // The host (which replaced the script) and its worker; no emulator, no development keys.
            var processes = CommandLines(script);
            Assert.Contains(processes, process => process.Contains("QoinHub.FunctionsHost.dll", StringComparison.Ordinal));
            Assert.Contains(processes, process => process.Contains("QoinHub.Merchant.Functions.dll", StringComparison.Ordinal));
            Assert.DoesNotContain(processes, process => process.Contains("azurite", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("dev-keys", script.Output, StringComparison.Ordinal);
        }
        finally
        {
            script.KillGroup();
        }

        await script.WaitForExitAsync(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 100 && script.ProcessesLeft().Count > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Empty(script.ProcessesLeft());
    }

    [Fact]
    public async Task A_refused_setting_prints_the_apps_one_line_and_exits_non_zero()
    {
        using var credentials = await DevCredentials.CreateAsync();
        var settings = Settings(credentials);
        settings["Snap__TokenLifetime"] = "-00:05:00";
        using var script = ScriptProcess.Start(Script, AzuriteServer.RepositoryRoot, ["--port", FreePort().ToString(CultureInfo.InvariantCulture)], settings);

        var exitCode = await script.WaitForExitAsync(TimeSpan.FromMinutes(5));

        Assert.True(exitCode != 0, script.Output);
        var refusals = script.Output.Split('\n').Where(line => line.StartsWith("Start-up refused: ", StringComparison.Ordinal)).ToList();
        Assert.Contains("Snap:TokenLifetime", Assert.Single(refusals), StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", script.Output, StringComparison.Ordinal);
        Assert.Empty(script.ProcessesLeft());
    }

    private static Dictionary<string, string> Settings(DevCredentials credentials)
    {
        var suffix = Guid.NewGuid().ToString("N")[..12];
        return new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
        {
            ["Storage__ConnectionString"] = AzuriteServer.Instance.ConnectionString,
            ["Storage__TokenTable"] = "starttokens" + suffix,
            ["Storage__NotificationTable"] = "startledger" + suffix,
            ["LocalQueue__Name"] = "start-" + suffix,
        };
    }

    private static async Task WaitUntilReadyAsync(ScriptProcess script, Uri baseUrl)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            Assert.False(script.HasExited, $"start-app.sh exited with code {(script.HasExited ? script.ExitCode : 0)}:\n{script.Output}");
            Assert.True(DateTime.UtcNow < deadline, $"start-app.sh did not answer GET / within 5 minutes:\n{script.Output}");
            try
            {
                using var response = await http.GetAsync(baseUrl);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not answering yet.
            }

            await Task.Delay(200);
        }
    }

    /// <summary>The command lines of the processes in the script's group (Linux: /proc/PID/cmdline).</summary>
    private static List<string> CommandLines(ScriptProcess script) =>
        [.. script.ProcessesLeft().Select(process => process.Split(' ')[0]).Select(pid =>
        {
            try
            {
                return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            }
            catch (IOException)
            {
                return string.Empty;
            }
        })];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
