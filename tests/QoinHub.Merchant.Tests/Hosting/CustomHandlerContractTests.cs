using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>
/// What the Functions host expects of a custom handler, checked on the built app as a separate
/// process: it listens on 127.0.0.1:$FUNCTIONS_CUSTOMHANDLER_PORT, answers the readiness probe on
/// '/', and serves the forwarded function paths (the health function's among them).
/// </summary>
public sealed class CustomHandlerContractTests
{
    [Fact]
    public async Task App_started_by_the_host_listens_on_the_custom_handler_port_and_serves_forwarded_paths()
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "QoinHub.Merchant.Functions.dll"));
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:1";
        start.Environment["Storage__ConnectionString"] = AzuriteServer.Instance.ConnectionString;
        start.Environment["Partners__0__ClientId"] = Fixtures.Vectors.ClientId;
        start.Environment["Partners__0__PublicKeys__0"] = Fixtures.Vectors.PublicKeyPem;
        start.Environment["Partners__0__ClientSecrets__0"] = Fixtures.Vectors.ClientSecret;

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            HttpResponseMessage? ready = null;
            for (var attempt = 0; attempt < 100 && ready is null; attempt++)
            {
                try
                {
                    ready = await http.GetAsync(new Uri("/", UriKind.Relative));
                }
                catch (HttpRequestException)
                {
                    Assert.False(process.HasExited, "The app exited: " + output);
                    await Task.Delay(200);
                }
            }

            Assert.NotNull(ready);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

            // The host forwards the function's full path; a request without headers is refused with a SNAP code.
            using var content = new StringContent("{}", Encoding.UTF8, "application/json");
            using var refused = await http.PostAsync(new Uri("/api/v1.0/access-token/b2b", UriKind.Relative), content);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("\"responseCode\":\"4007302\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

            // The health function: the host asks for the function key; the app answers on its loopback port.
            using var health = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
            var report = await health.Content.ReadAsStringAsync();
            Assert.True(health.StatusCode == HttpStatusCode.OK, report);
            Assert.StartsWith("{\"status\":\"healthy\",\"checkedAt\":", report, StringComparison.Ordinal);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
