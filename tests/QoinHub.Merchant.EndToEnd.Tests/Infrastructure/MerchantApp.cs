using System.Net;
using System.Net.Sockets;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The merchant app started the way a user starts it (<c>dotnet QoinHub.Merchant.Functions.dll
/// --urls ...</c>, or the native executable with the same arguments) with settings in environment
/// variables; ready once <c>GET /</c> answers.
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

    /// <summary>Everything the app wrote to stdout and stderr so far.</summary>
    public string Output => _process.AllOutput;

    public static async Task<MerchantApp> StartAsync(IReadOnlyDictionary<string, string> settings, AppBuild build = AppBuild.Jit)
    {
        var port = FreeLoopbackPort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var process = ChildProcess.StartApp(build, ["--urls", baseUrl.ToString().TrimEnd('/')], settings);
        var app = new MerchantApp(process, baseUrl);
        try
        {
            await app.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
            return app;
        }
        catch
        {
            app.Dispose();
            throw;
        }
    }

    public void Dispose() => _process.Dispose();

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

                if ((int)response.StatusCode >= 500)
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
