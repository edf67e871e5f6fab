using System.Globalization;

namespace QoinHub.Simulator.Protocol;

/// <summary>Timestamps the way QoinHub writes them: Asia/Jakarta wall time to the second, with its offset.</summary>
public static class SnapTime
{
    /// <summary>Asia/Jakarta (WIB) has had no daylight saving time since 1964, so a fixed offset is exact.</summary>
    public static readonly TimeSpan JakartaOffset = TimeSpan.FromHours(7);

    /// <summary><c>yyyy-MM-ddTHH:mm:ss+07:00</c>, e.g. <c>2025-07-06T14:12:50+07:00</c>.</summary>
    public static string Format(DateTimeOffset moment) =>
        moment.ToOffset(JakartaOffset).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture) + "+07:00";

    /// <summary>The Jakarta wall time of <paramref name="moment"/> in <paramref name="format"/> (SNAP days and ids are counted in Jakarta).</summary>
    public static string FormatJakarta(DateTimeOffset moment, string format) =>
        moment.ToOffset(JakartaOffset).ToString(format, CultureInfo.InvariantCulture);
}
