using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace QoinHub.OrderConsumer.Envelope;

/// <summary>
/// The deterministic message id of docs/messages.md: lowercase hex SHA-256 of <c>partnerId</c>,
/// <c>notification.originalReferenceNo</c> and <c>notification.latestTransactionStatus</c>, each
/// written as its UTF-8 byte count in decimal, a colon and its UTF-8 bytes
/// (<c>8:QoinSnap12:T240800000272:00</c>).
/// </summary>
public static class MessageIds
{
    public static string For(string partnerId, string originalReferenceNo, string latestTransactionStatus)
    {
        ArgumentNullException.ThrowIfNull(partnerId);
        ArgumentNullException.ThrowIfNull(originalReferenceNo);
        ArgumentNullException.ThrowIfNull(latestTransactionStatus);

        var buffer = new ArrayBufferWriter<byte>(128);
        Append(buffer, partnerId);
        Append(buffer, originalReferenceNo);
        Append(buffer, latestTransactionStatus);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void Append(ArrayBufferWriter<byte> buffer, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Encoding.ASCII.GetBytes(bytes.Length.ToString(CultureInfo.InvariantCulture) + ":", buffer);
        buffer.Write(bytes);
    }
}
