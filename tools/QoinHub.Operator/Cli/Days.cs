using System.Globalization;
using QoinHub.Merchant.Snap;

namespace QoinHub.OperatorTool.Cli;

/// <summary>Asia/Jakarta days, the days of the SNAP <c>X-EXTERNAL-ID</c> rule: <c>2026-11-24</c>, <c>20261124</c>, <c>today</c> or <c>yesterday</c>.</summary>
public static class Days
{
    public static DateOnly Today(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        return Of(clock.GetUtcNow());
    }

    /// <summary>The Asia/Jakarta day of <paramref name="moment"/>.</summary>
    public static DateOnly Of(DateTimeOffset moment) => DateOnly.FromDateTime(moment.ToOffset(SnapTimestamp.JakartaOffset).DateTime);

    /// <exception cref="UsageException">Not a day.</exception>
    public static DateOnly Parse(string text, string option, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed.Equals("today", StringComparison.OrdinalIgnoreCase))
        {
            return Today(clock);
        }

        if (trimmed.Equals("yesterday", StringComparison.OrdinalIgnoreCase))
        {
            return Today(clock).AddDays(-1);
        }

        return DateOnly.TryParseExact(trimmed, ["yyyy-MM-dd", "yyyyMMdd"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? day
            : throw new UsageException($"{option} '{text}' is not a day: use yyyy-MM-dd (the Asia/Jakarta day), today or yesterday.");
    }
}
