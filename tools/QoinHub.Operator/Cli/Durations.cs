using System.Globalization;

namespace QoinHub.OperatorTool.Cli;

/// <summary>
/// Durations on the command line, as the simulator reads them: <c>500ms</c>, <c>30s</c>, <c>2m</c>,
/// <c>1h</c>, <c>2d</c>, a bare number of seconds, or a TimeSpan (<c>00:02:00</c>). Zero is allowed.
/// </summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        (string Suffix, double Scale)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];
        foreach (var (suffix, scale) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) &&
                double.TryParse(text[..^suffix.Length], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
            {
                duration = TimeSpan.FromSeconds(amount * scale);
                return true;
            }
        }

        // A bare number means seconds (TimeSpan would read "30" as thirty days).
        if (double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }
}
