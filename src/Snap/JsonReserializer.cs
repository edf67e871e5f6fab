using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// Writes a parsed JSON document back compactly the way another language's default encoder
/// would: keys in their received order, duplicates and nulls kept, strings escaped per
/// <see cref="BodyForm"/>. Numbers are copied as received, never re-formatted: a reading in which
/// a number changed would let a value nobody signed verify (<c>1.5</c> signed, <c>1.50000000000000001</c>
/// sent), and SNAP amounts are strings anyway.
/// </summary>
public static class JsonReserializer
{
    /// <exception cref="InvalidOperationException">A string holds an escaped lone surrogate, which no encoder writes.</exception>
    public static byte[] Serialize(JsonElement element, BodyForm style)
    {
        if (style == BodyForm.Minified)
        {
            throw new ArgumentOutOfRangeException(nameof(style), "The minified form is the received bytes, not a re-serialization.");
        }

        var builder = new StringBuilder(256);
        Write(builder, element, style);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Write(StringBuilder builder, JsonElement element, BodyForm style)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var firstProperty = true;
                foreach (var property in element.EnumerateObject())
                {
                    if (!firstProperty)
                    {
                        builder.Append(',');
                    }

                    firstProperty = false;
                    WriteString(builder, property.Name, style);
                    builder.Append(':');
                    Write(builder, property.Value, style);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var firstItem = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!firstItem)
                    {
                        builder.Append(',');
                    }

                    firstItem = false;
                    Write(builder, item, style);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(builder, element.GetString()!, style);
                break;
            case JsonValueKind.Number:
                builder.Append(element.GetRawText());
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    private static void WriteString(StringBuilder builder, string value, BodyForm style)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case '\b':
                    builder.Append("\\b");
                    break;
                case '\f':
                    builder.Append("\\f");
                    break;
                case '\n':
                    builder.Append("\\n");
                    break;
                case '\r':
                    builder.Append("\\r");
                    break;
                case '\t':
                    builder.Append("\\t");
                    break;
                case '/' when style == BodyForm.Php:
                    builder.Append("\\/");
                    break;
                case < ' ':
                    AppendUnicodeEscape(builder, c);
                    break;
                case >= '\u007f' when style == BodyForm.Python:
                case > '\u007f' when style == BodyForm.Php:
                    AppendUnicodeEscape(builder, c);
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }

    private static void AppendUnicodeEscape(StringBuilder builder, char c) =>
        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
