using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One HTTP/1.1 request written byte for byte over TCP, as no HTTP client would frame it (a chunk
/// size that overflows, a chunked body of any length), and the answer read back.
/// </summary>
internal static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="head"/> (request line and header lines, without the blank line) and
    /// <paramref name="body"/> as written, and reads until the answer is complete or the app closes
    /// the connection. Status 0 when the app closed it without an answer.
    /// </summary>
    public static async Task<RawAnswer> SendAsync(Uri baseUrl, string head, byte[] body, TimeSpan timeout)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(baseUrl.Host, baseUrl.Port);
        var stream = tcp.GetStream();
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "Connection: close\r\n\r\n"));
            await stream.WriteAsync(body);
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            // The app closed the connection before the whole request was sent: what it answered, if anything, is still read below.
        }

        var received = new MemoryStream();
        var buffer = new byte[8192];
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            int read;
            while (!RawAnswer.IsComplete(Encoding.UTF8.GetString(received.ToArray())) && (read = await stream.ReadAsync(buffer, cancellation.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // Reset after (or instead of) an answer.
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No whole answer and no close within {timeout.TotalSeconds:0} s; received so far:\n{Encoding.UTF8.GetString(received.ToArray())}");
        }

        return RawAnswer.Parse(Encoding.UTF8.GetString(received.ToArray()));
    }

    /// <summary>A chunked body: each piece as one chunk (hex size line, bytes, CRLF), then the last chunk.</summary>
    public static byte[] Chunked(byte[] body, int chunkSize)
    {
        var framed = new MemoryStream();
        for (var offset = 0; offset < body.Length; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, body.Length - offset);
            framed.Write(Encoding.ASCII.GetBytes(length.ToString("x", CultureInfo.InvariantCulture) + "\r\n"));
            framed.Write(body, offset, length);
            framed.Write("\r\n"u8);
        }

        framed.Write("0\r\n\r\n"u8);
        return framed.ToArray();
    }
}

/// <summary>The status (0 when none came) and the whole answer as text.</summary>
internal sealed record RawAnswer(int Status, string Text)
{
    /// <summary>The body after the header block; empty when there was none.</summary>
    public string Body => Text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is var end and >= 0 ? Text[(end + 4)..] : string.Empty;

    /// <summary>True once <paramref name="text"/> holds a header block and the whole body it announces.</summary>
    public static bool IsComplete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        var headers = text[..end];
        var length = Regex.Match(headers, @"(?im)^content-length:\s*(\d+)\s*$");
        if (length.Success)
        {
            return Encoding.UTF8.GetByteCount(text[(end + 4)..]) >= int.Parse(length.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        return Regex.IsMatch(headers, @"(?im)^transfer-encoding:\s*chunked\s*$") && text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
    }

    public static RawAnswer Parse(string text) =>
        text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && text.Length >= 12
            ? new RawAnswer(int.Parse(text.AsSpan(9, 3), CultureInfo.InvariantCulture), text)
            : new RawAnswer(0, text);

    public override string ToString() => Status == 0 ? $"connection closed without an answer ({Text.Length} bytes)" : Text;
}
