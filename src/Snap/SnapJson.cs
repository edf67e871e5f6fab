using System.Buffers;
using System.Text.Json;

namespace QoinHub.Merchant.Snap;

/// <summary>Writes SNAP response bodies without reflection.</summary>
internal static class SnapJson
{
    public static ReadOnlyMemory<byte> ResponseBody(string responseCode, string responseMessage, Action<Utf8JsonWriter>? extra = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("responseCode", responseCode);
            writer.WriteString("responseMessage", responseMessage);
            extra?.Invoke(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }
}
