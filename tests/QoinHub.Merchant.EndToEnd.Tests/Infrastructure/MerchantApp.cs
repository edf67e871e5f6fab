using System.Net;
using System.Net.Sockets;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The merchant app started the way a developer without Core Tools starts it: the project's
/// Functions host serving the published worker on a free loopback port, with settings in
/// environment variables; ready once <c>GET /</c> answers (the worker has loaded its functions).
/// Its output is the host's: its own <c>[host]</c> lines, the worker's log records and the
/// worker's own stdout and stderr.
/// </summary>
internal sealed class MerchantApp : IDisposable
{
    private readonly ChildProcess _process;

    private MerchantApp(ChildProcess process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>The host's process (the worker is its child).</summary>
    public ChildProcess Process => _process;

    /// <summary>Everything the app wrote to stdout and stderr so far.</summary>
    public string Output => _process.AllOutput;

    /// <summary>The timer schedules the app ships with (local.settings.sample.json, the Bicep), used unless the test sets its own.</summary>
    public static IReadOnlyDictionary<string, string> ShippedSchedules { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["OutboxRelaySchedule"] = "0 */1 * * * *",
        ["RetentionSchedule"] = "0 30 19 * * *",
    };

    /// <param name="timers">Whether the host runs the timer functions on their schedules (false: <c>--no-timers</c>).</param>
    public static async Task<MerchantApp> StartAsync(IReadOnlyDictionary<string, string> settings, bool timers = true)
    {
        var port = FreeLoopbackPort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var environment = new Dictionary<string, string>(settings, StringComparer.Ordinal);
        foreach (var (name, schedule) in ShippedSchedules)
        {
            environment.TryAdd(name, schedule);
        }

        var process = ChildProcess.StartApp(timers ? ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--no-timers"], environment);
        var app = new MerchantApp(process, baseUrl);
        try
        {
            // A loaded two-core machine can take many seconds to start two processes and load the functions.
            await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(120));
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    public void Dispose() => _process.Dispose();

    /// <summary>Waits (at most <paramref name="timeout"/>) until the output holds <paramref name="text"/>: a log line is written after the answer it explains.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"The app did not write '{text}' within {timeout.TotalSeconds:0} s:\n{Output}");
            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Runs a timer function now through the host (<c>POST /admin/functions/{name}</c>, as with
    /// <c>func start</c>), waits for the host to report it done, and returns the output written
    /// meanwhile; fails if the invocation failed.
    /// </summary>
    public async Task<string> InvokeAsync(string function)
    {
        var before = Output.Length;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = BaseUrl };
        using var content = new StringContent("{\"input\":\"\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(new Uri("/admin/functions/" + function, UriKind.Relative), content);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /admin/functions/{function}: HTTP {(int)response.StatusCode}\n{Output}");

        var done = $"[host] Executed '{function}' (";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (Output.IndexOf(done, before, StringComparison.Ordinal) < 0)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{function} did not finish within 120 s:\n{Output[before..]}");
            await Task.Delay(100);
        }

        var since = Output[before..];
        Assert.Contains(done + "Succeeded", since, StringComparison.Ordinal);
        return since;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The app exited with code {_process.ExitCode} before answering GET /:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(BaseUrl);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                // 503 while the host is still loading the worker's functions.
                if ((int)response.StatusCode >= 500 && response.StatusCode != HttpStatusCode.ServiceUnavailable)
                {
                    throw new InvalidOperationException($"The app answered GET / with HTTP {(int)response.StatusCode}:\n{Output}");
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"The app did not answer GET / within {timeout.TotalSeconds:0} s:\n{Output}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
