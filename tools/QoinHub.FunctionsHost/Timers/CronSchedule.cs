using System.Globalization;

namespace QoinHub.FunctionsHost.Timers;

/// <summary>
/// A timer trigger's NCRONTAB schedule: six fields, <c>{second} {minute} {hour} {day} {month}
/// {day-of-week}</c>, each <c>*</c>, a number, a range <c>a-b</c>, a list <c>a,b</c> or a step
/// <c>*/n</c> or <c>a-b/n</c>; months and days of the week also by their three-letter English
/// names; Sunday is 0 (7 also). As in NCrontab, a time matches when every field does (a day must
/// match both the day and the day-of-week field). Times are UTC.
/// </summary>
public sealed class CronSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private readonly bool[] _seconds;
    private readonly bool[] _minutes;
    private readonly bool[] _hours;
    private readonly bool[] _days;
    private readonly bool[] _months;
    private readonly bool[] _daysOfWeek;

    private CronSchedule(string expression, bool[][] fields)
    {
        Expression = expression;
        (_seconds, _minutes, _hours, _days, _months, _daysOfWeek) = (fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    public string Expression { get; }

    /// <exception cref="FormatException"><paramref name="expression"/> is not a six-field NCRONTAB expression; the message says which field.</exception>
    public static CronSchedule Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 6)
        {
            throw new FormatException($"'{expression}' is not an NCRONTAB schedule: it needs six fields ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}), it has {parts.Length}.");
        }

        var fields = new[]
        {
            Field(parts[0], "second", 0, 59, null),
            Field(parts[1], "minute", 0, 59, null),
            Field(parts[2], "hour", 0, 23, null),
            Field(parts[3], "day", 1, 31, null),
            Field(parts[4], "month", 1, 12, MonthNames),
            Field(parts[5], "day-of-week", 0, 7, DayNames),
        };

        // 7 is Sunday too.
        fields[5][0] |= fields[5][7];
        return new CronSchedule(expression, fields);
    }

    /// <summary>The first time strictly after <paramref name="after"/> that matches, in UTC; null if none within ten years.</summary>
    public DateTimeOffset? NextAfter(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var t = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc).AddSeconds(1);
        var limit = t.AddYears(10);
        while (t < limit)
        {
            if (!_months[t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!_days[t.Day] || !_daysOfWeek[(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
            }
            else if (!_hours[t.Hour])
            {
                t = t.Date.AddHours(t.Hour + 1);
            }
            else if (!_minutes[t.Minute])
            {
                t = t.Date.AddHours(t.Hour).AddMinutes(t.Minute + 1);
            }
            else if (!_seconds[t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return new DateTimeOffset(t, TimeSpan.Zero);
            }
        }

        return null;
    }

    public override string ToString() => Expression;

    private static bool[] Field(string text, string name, int min, int max, string[]? names)
    {
        var allowed = new bool[max + 1];
        foreach (var item in text.Split(','))
        {
            var step = 1;
            var range = item;
            var slash = item.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0)
            {
                if (!int.TryParse(item.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1)
                {
                    throw new FormatException($"The {name} field '{text}' has a step that is not a positive whole number.");
                }

                range = item[..slash];
            }

            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else
            {
                var dash = range.IndexOf('-', StringComparison.Ordinal);
                from = Value(dash < 0 ? range : range[..dash], name, text, min, max, names);
                to = dash < 0 ? (slash >= 0 ? max : from) : Value(range[(dash + 1)..], name, text, min, max, names);
                if (to < from)
                {
                    throw new FormatException($"The {name} field '{text}' has a range that ends before it starts.");
                }
            }

            for (var value = from; value <= to; value += step)
            {
                allowed[value] = true;
            }
        }

        return allowed;
    }

    private static int Value(string text, string name, string field, int min, int max, string[]? names)
    {
        if (names is not null)
        {
            var index = Array.FindIndex(names, candidate => candidate.Equals(text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return index + (names.Length == 12 ? 1 : 0);
            }
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FormatException($"The {name} field '{field}' must hold values from {min} to {max}.");
        }

        return value;
    }
}
