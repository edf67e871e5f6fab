using System.Globalization;
using System.Text.RegularExpressions;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// The SNAP <c>X-TIMESTAMP</c>: ISO-8601 with seconds and an explicit zone
/// (<c>2025-07-06T14:12:50+07:00</c>, optionally with a fraction, or <c>Z</c>). The string is signed
/// as received, so it is only parsed here, never normalised for signing.
/// </summary>
public static partial class SnapTimestamp
{
    /// <summary>The zone SNAP days are counted in (Asia/Jakarta has no daylight saving time).</summary>
    public static readonly TimeSpan JakartaOffset = TimeSpan.FromHours(7);

    public static bool TryParse(string? value, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (value is null)
        {
            return false;
        }

        var match = Iso8601().Match(value);
        if (!match.Success)
        {
            return false;
        }

        // Offsets written without a colon (+0700) are valid ISO-8601; .NET wants the colon.
        var zone = match.Groups["zone"].Value;
        if (zone.Length == 5)
        {
            zone = zone[..3] + ":" + zone[3..];
        }

        var normalised = match.Groups["local"].Value + zone;
        return DateTimeOffset.TryParse(normalised, CultureInfo.InvariantCulture, DateTimeStyles.None, out timestamp);
    }

    /// <summary>Formats a moment the way SNAP peers expect in response headers: Jakarta time, seconds, offset.</summary>
    public static string Format(DateTimeOffset moment) =>
        moment.ToOffset(JakartaOffset).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>True when <paramref name="timestamp"/> lies within <paramref name="tolerance"/> of <paramref name="now"/>, either way.</summary>
    public static bool IsWithin(DateTimeOffset timestamp, DateTimeOffset now, TimeSpan tolerance) =>
        (timestamp - now).Duration() <= tolerance;

    [GeneratedRegex(@"^(?<local>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,7})?)(?<zone>Z|[+-]\d{2}:\d{2}|[+-]\d{4})\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Iso8601();
}
