using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace QoinHub.Merchant.Tests.Fuzz;

/// <summary>
/// Sends a fuzzed request chunked over TCP with its first chunk-size line broken (no HTTP client
/// frames a body so), and reads the answer until the app closes the connection.
/// </summary>
internal static class BrokenChunkSender
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>The status, 0 when the connection was closed without an answer, or -1 when nothing came within the patience.</summary>
    public static async Task<(int Status, string Text)> SendAsync(Uri baseAddress, FuzzRequest request, CancellationToken cancellationToken)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseAddress.Host, baseAddress.Port, cancellationToken);
        var stream = tcp.GetStream();
        var head = new StringBuilder($"POST {request.Path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n");
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values.Where(value => !value.Contains('\r', StringComparison.Ordinal) && !value.Contains('\n', StringComparison.Ordinal)))
            {
                head.Append(name).Append(": ").Append(value).Append("\r\n");
            }
        }

        var framed = new MemoryStream();
        framed.Write(Encoding.UTF8.GetBytes(head.Append("\r\n").ToString()));
        framed.Write(Encoding.ASCII.GetBytes(request.BrokenChunkSize + "\r\n"));
        framed.Write(request.Body);
        framed.Write("\r\n0\r\n\r\n"u8);
        try
        {
            await stream.WriteAsync(framed.ToArray(), cancellationToken);
        }
        catch (IOException)
        {
            // Closed while sending: the answer, if any, is read below.
        }

        var received = new MemoryStream();
        var buffer = new byte[4096];
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Patience);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // Reset after (or instead of) an answer.
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (-1, Encoding.UTF8.GetString(received.ToArray()));
        }

        var text = Encoding.UTF8.GetString(received.ToArray());
        return text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && text.Length >= 12
            ? (int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture), text)
            : (0, text);
    }
}
