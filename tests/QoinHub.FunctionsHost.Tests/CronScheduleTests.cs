using System.Globalization;
using QoinHub.FunctionsHost.Timers;

namespace QoinHub.FunctionsHost.Tests;

/// <summary>The six-field NCRONTAB schedules of timer triggers, as the Functions host reads them (UTC).</summary>
public sealed class CronScheduleTests
{
    [Theory]
    [InlineData("0 */1 * * * *", "2026-12-04T12:00:30Z", "2026-12-04T12:01:00Z")]
    [InlineData("0 */1 * * * *", "2026-12-04T12:01:00Z", "2026-12-04T12:02:00Z")]
    [InlineData("* * * * * *", "2026-12-04T12:00:30Z", "2026-12-04T12:00:31Z")]
    [InlineData("*/2 * * * * *", "2026-12-04T12:00:31Z", "2026-12-04T12:00:32Z")]
    [InlineData("0 30 19 * * *", "2026-12-04T12:00:00Z", "2026-12-04T19:30:00Z")]
    [InlineData("0 30 19 * * *", "2026-12-04T19:30:00Z", "2026-12-05T19:30:00Z")]
    [InlineData("0 0 9-17/4 * * MON-FRI", "2026-12-04T18:00:00Z", "2026-12-07T09:00:00Z")]
    [InlineData("0 0 0 1 JAN *", "2026-12-04T00:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("0 0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("5,10 0 12 * * 0", "2026-12-04T00:00:00Z", "2026-12-06T12:00:05Z")]
    [InlineData("0 0 12 * * 7", "2026-12-04T00:00:00Z", "2026-12-06T12:00:00Z")]
    public void Next_occurrence_is_the_first_matching_second_after_the_given_time(string expression, string after, string expected)
    {
        var schedule = CronSchedule.Parse(expression);

        Assert.Equal(Utc(expected), schedule.NextAfter(Utc(after)));
    }

    [Fact]
    public void A_time_given_with_an_offset_is_taken_in_UTC()
    {
        var schedule = CronSchedule.Parse("0 30 19 * * *");

        Assert.Equal(Utc("2026-12-04T19:30:00Z"), schedule.NextAfter(DateTimeOffset.Parse("2026-12-05T01:00:00+07:00", CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("0 */1 * * *", "six fields")]
    [InlineData("0 */1 * * * * *", "six fields")]
    [InlineData("60 * * * * *", "second")]
    [InlineData("0 * 24 * * *", "hour")]
    [InlineData("0 * * 0 * *", "day")]
    [InlineData("0 * * * 13 *", "month")]
    [InlineData("0 * * * * 8", "day-of-week")]
    [InlineData("0 */0 * * * *", "step")]
    [InlineData("0 10-5 * * * *", "ends before it starts")]
    [InlineData("%OutboxRelaySchedule%", "six fields")]
    public void Malformed_schedule_is_refused_naming_what_is_wrong(string expression, string named)
    {
        var refused = Assert.Throws<FormatException>(() => CronSchedule.Parse(expression));

        Assert.Contains(named, refused.Message, StringComparison.Ordinal);
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}
