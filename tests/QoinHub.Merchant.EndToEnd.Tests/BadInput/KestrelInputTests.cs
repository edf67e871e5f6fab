using System.Net.Sockets;
using System.Text;
using QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

namespace QoinHub.Merchant.EndToEnd.Tests.BadInput;

/// <summary>
/// What only a real Kestrel shows: lying Content-Length headers and bodies trickled too slowly are
/// the caller's fault, answered 4xx (or the connection closed), logged as a warning, never an error.
/// </summary>
public sealed class KestrelInputTests
{
    [Theory]
    [InlineData("2147483648")]
    [InlineData("9223372036854775807")]
    [InlineData("30000001")]
    [InlineData("40000")]
    public async Task Declared_length_over_the_limit_with_a_tiny_body_is_a_4xx(string contentLength)
    {
        using var run = await LocalRun.StartAsync();

        // One call first, so that the worker's first-call work (JIT, connections) is done: the
        // refusal of the declared length must not race the body-rate rule below.
        using (var http = new HttpClient { BaseAddress = run.App.BaseUrl })
        using (await http.GetAsync("api/health"))
        {
        }

        var (status, body) = await SendRawAsync(run.App.BaseUrl, $"Content-Length: {contentLength}\r\n", "{}", trickle: false);

        Assert.True(status is >= 400 and < 500, $"HTTP {status}: {body}\n--- app\n{run.App.Output}");
        if (status == 400 && !body.Contains("4005600", StringComparison.Ordinal))
        {
            // The only other 400: the caller sent 2 of the bytes it declared and stopped, so on a
            // loaded machine Kestrel's minimum body data rate (after 5 s) may cut it off first. That,
            // too, is the caller's fault, answered by the host and logged as a warning.
            await run.App.WaitForOutputAsync("did not arrive whole", TimeSpan.FromSeconds(60));
        }

        Assert.DoesNotContain("fail:", run.App.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Body_trickled_slower_than_the_minimum_rate_is_a_4xx_or_a_closed_connection_and_a_warning()
    {
        using var run = await LocalRun.StartAsync();

        var (status, body) = await SendRawAsync(run.App.BaseUrl, "Content-Length: 200\r\n", new string(' ', 200), trickle: true);

        Assert.True(status is 0 or (>= 400 and < 500), $"HTTP {status}: {body}\n--- app\n{run.App.Output}");

        // The worker's warning reaches the output after the caller's answer, through the host.
        await run.App.WaitForOutputAsync("did not arrive whole", TimeSpan.FromSeconds(60));
        Assert.True(!run.App.Output.Contains("fail:", StringComparison.Ordinal), run.App.Output);
    }

    /// <summary>Sends a notify request by hand; the status is 0 when the app closed the connection without an answer.</summary>
    private static async Task<(int Status, string Body)> SendRawAsync(Uri baseUrl, string lengthHeader, string body, bool trickle)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port);
        var stream = tcp.GetStream();
        var head = "POST /api/v1.0/debit/notify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + lengthHeader + "\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        try
        {
            if (trickle)
            {
                // Kestrel's minimum is 240 bytes/s after a 5-second grace period: one byte a second falls far below it.
                foreach (var b in Encoding.ASCII.GetBytes(body))
                {
                    await stream.WriteAsync(new[] { b });
                    await Task.Delay(1_000);
                    if (tcp.Available > 0)
                    {
                        break;
                    }
                }
            }
            else
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes(body));
            }
        }
        catch (IOException)
        {
            // The app closed the connection: an acceptable answer to a body that never comes.
        }

        var response = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (true)
            {
                var read = await stream.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                response.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (response.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && response.ToString().Contains("responseCode", StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
        }

        var text = response.ToString();
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) ? (int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), text) : (0, text);
    }
}
