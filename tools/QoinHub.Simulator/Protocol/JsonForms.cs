using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QoinHub.Simulator.Protocol;

/// <summary>
/// Writes a JSON document in a <see cref="JsonForm"/>. Re-serializations keep members in received
/// order, keep duplicates and nulls, and copy numbers as their received text: a sender that parsed
/// <c>1.50</c> into a float would write <c>1.5</c>, but the app only recognises readings whose numbers
/// are byte-identical, so reformatting them here would make the simulator send what no app accepts.
/// </summary>
public static class JsonForms
{
    public static byte[] Render(ReadOnlySpan<byte> json, JsonForm form) =>
        form == JsonForm.Minified ? Minify(json) : Reserialize(json, form);

    /// <summary>
    /// Removes space, tab, CR and LF outside string literals. Whitespace inside strings is data
    /// (stripping it there is a known bug of other SNAP SDKs); the input is not otherwise checked.
    /// </summary>
    public static byte[] Minify(ReadOnlySpan<byte> json)
    {
        var output = new byte[json.Length];
        var length = 0;
        var inString = false;
        var escaping = false;
        foreach (var b in json)
        {
            if (inString)
            {
                if (escaping)
                {
                    escaping = false;
                }
                else if (b == (byte)'\\')
                {
                    escaping = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                continue;
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }

            output[length++] = b;
        }

        return output.AsSpan(0, length).ToArray();
    }

    /// <summary>Parses <paramref name="json"/> token by token and writes it again in <paramref name="form"/>.</summary>
    private static byte[] Reserialize(ReadOnlySpan<byte> json, JsonForm form)
    {
        var pretty = form == JsonForm.Pretty;
        var text = new StringBuilder(json.Length + 16);
        var reader = new Utf8JsonReader(json);
        var depth = 0;
        var firstInContainer = false;
        var afterName = false;
        while (reader.Read())
        {
            if (reader.TokenType is JsonTokenType.EndObject or JsonTokenType.EndArray)
            {
                depth--;
                if (pretty && !firstInContainer)
                {
                    NewLine(text, depth);
                }

                text.Append(reader.TokenType == JsonTokenType.EndObject ? '}' : ']');
                firstInContainer = false;
                continue;
            }

            // A member name or a value starts; a value right after its name needs no separator.
            if (!afterName && depth > 0)
            {
                if (!firstInContainer)
                {
                    text.Append(',');
                }

                if (pretty)
                {
                    NewLine(text, depth);
                }
            }

            afterName = false;
            firstInContainer = false;
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject:
                    text.Append('{');
                    depth++;
                    firstInContainer = true;
                    break;
                case JsonTokenType.StartArray:
                    text.Append('[');
                    depth++;
                    firstInContainer = true;
                    break;
                case JsonTokenType.PropertyName:
                    AppendString(text, reader.GetString()!, form);
                    text.Append(pretty ? ": " : ":");
                    afterName = true;
                    break;
                case JsonTokenType.String:
                    AppendString(text, reader.GetString()!, form);
                    break;
                case JsonTokenType.Number:
                    // The raw token (ASCII only), never a parsed and reformatted number.
                    text.Append(Encoding.ASCII.GetString(reader.ValueSpan));
                    break;
                case JsonTokenType.True:
                    text.Append("true");
                    break;
                case JsonTokenType.False:
                    text.Append("false");
                    break;
                case JsonTokenType.Null:
                    text.Append("null");
                    break;
                default:
                    throw new JsonException($"Unexpected JSON token {reader.TokenType}.");
            }
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void NewLine(StringBuilder text, int depth) => text.Append('\n').Append(' ', depth * 2);

    private static void AppendString(StringBuilder text, string value, JsonForm form)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    text.Append("\\\"");
                    break;
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\b':
                    text.Append("\\b");
                    break;
                case '\f':
                    text.Append("\\f");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '\r':
                    text.Append("\\r");
                    break;
                case '\t':
                    text.Append("\\t");
                    break;
                case '/' when form == JsonForm.Php:
                    text.Append("\\/");
                    break;
                default:
                    if (NeedsUnicodeEscape(c, form))
                    {
                        // All three senders write lowercase hex; a surrogate pair becomes two escapes.
                        text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        text.Append(c);
                    }

                    break;
            }
        }

        text.Append('"');
    }

    private static bool NeedsUnicodeEscape(char c, JsonForm form) => form switch
    {
        // PHP leaves DEL (0x7f) alone; Python's ensure_ascii escapes everything outside space..tilde.
        JsonForm.Php => c is < (char)0x20 or >= (char)0x80,
        JsonForm.Python => c is < (char)0x20 or >= (char)0x7f,
        _ => c < 0x20,
    };
}
