using System.Globalization;
using QoinHub.Merchant.Snap;

namespace QoinHub.OperatorTool.Output;

/// <summary>Moments as operators read them: Asia/Jakarta time with its offset, the zone of the SNAP days the ledger is kept by.</summary>
public static class Times
{
    public static string Format(DateTimeOffset moment) =>
        moment.ToOffset(SnapTimestamp.JakartaOffset).ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    public static string Format(DateTimeOffset? moment) => moment is { } value ? Format(value) : "-";

    public static string Format(TimeSpan duration) =>
        duration.TotalDays >= 1 ? duration.ToString(@"d\.hh\:mm\:ss", CultureInfo.InvariantCulture) : duration.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The ledger's <c>yyyyMMdd</c> as <c>yyyy-MM-dd</c>.</summary>
    public static string Day(string ledgerDay) =>
        DateOnly.TryParseExact(ledgerDay, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? Day(day) : ledgerDay;
}
