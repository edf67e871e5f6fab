using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using QoinHub.Merchant.Snap;

namespace QoinHub.Simulator.Protocol;

/// <summary>How the notification body is written on the wire.</summary>
public enum BodyStyle
{
    /// <summary>No whitespace, non-ASCII as is (JavaScript <c>JSON.stringify</c>).</summary>
    Compact,

    /// <summary>Indented over several lines.</summary>
    Pretty,

    /// <summary>PHP <c>json_encode</c> defaults: <c>\/</c> and <c>\uXXXX</c> for every non-ASCII character.</summary>
    Escaped,
}

public static class BodyStyles
{
    public static byte[] Render(ReadOnlySpan<byte> json, BodyStyle style)
    {
        using var document = JsonDocument.Parse(json.ToArray());
        switch (style)
        {
            case BodyStyle.Compact:
                return JsonReserializer.Serialize(document.RootElement, JsonStyle.JavaScript);
            case BodyStyle.Escaped:
                return JsonReserializer.Serialize(document.RootElement, JsonStyle.Php);
            default:
                var buffer = new ArrayBufferWriter<byte>(json.Length * 2);
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    document.RootElement.WriteTo(writer);
                }

                return buffer.WrittenSpan.ToArray();
        }
    }
}
