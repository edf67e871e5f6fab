using System.Text;

namespace QoinHub.Merchant;

/// <summary>
/// Makes text that came from a caller safe for a log line: control characters (an ESC that would
/// drive a terminal, a newline that would forge a second log line) become <c>\u001B</c>-style escapes,
/// and the text is cut at a length no honest value reaches.
/// </summary>
public static class LogText
{
    public const int MaxLength = 512;

    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var needsWork = text.Length > MaxLength;
        foreach (var c in text)
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                needsWork = true;
                break;
            }
        }

        if (!needsWork)
        {
            return text;
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxLength) + 16);
        foreach (var c in text.AsSpan(0, Math.Min(text.Length, MaxLength)))
        {
            if (char.IsControl(c) || c is '\u2028' or '\u2029')
            {
                builder.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        if (text.Length > MaxLength)
        {
            builder.Append("…(").Append(text.Length - MaxLength).Append(" more)");
        }

        return builder.ToString();
    }
}
