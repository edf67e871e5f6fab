using System.Buffers;
using System.Text.Json;

namespace QoinHub.Merchant.Snap;

/// <summary>Writes SNAP response bodies without reflection.</summary>
internal static class SnapJson
{
    /// <summary>
    /// Answers are read by people in curl and logs, never embedded in HTML: plain ASCII such as
    /// <c>'</c>, <c>+</c> or <c>&lt;</c> stays as it is; quotes, backslashes and control characters are still escaped.
    /// </summary>
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static ReadOnlyMemory<byte> ResponseBody(string responseCode, string responseMessage, Action<Utf8JsonWriter>? extra = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
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
