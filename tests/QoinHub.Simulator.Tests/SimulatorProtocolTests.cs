using QoinHub.Simulator.Cli;
using QoinHub.Simulator.Conformance;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Tests;

/// <summary>Timestamps, command-line values and the conformance catalogue.</summary>
public sealed class SimulatorProtocolTests
{
    [Theory]
    [InlineData("2025-07-06T07:12:50Z", "2025-07-06T14:12:50+07:00")]
    [InlineData("2025-07-06T20:00:00.987-02:00", "2025-07-07T05:00:00+07:00")]
    public void Timestamps_are_jakarta_time_to_the_second_with_offset(string moment, string expected)
    {
        Assert.Equal(expected, SnapTime.Format(DateTimeOffset.Parse(moment, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("compact", JsonForm.JavaScript)]
    [InlineData("pretty", JsonForm.Pretty)]
    [InlineData("escaped", JsonForm.Php)]
    public void Body_style_option_values_name_the_wire_form(string value, JsonForm form)
    {
        Assert.Equal(form, NotifyCommand.ParseBodyStyle(value));
    }

    [Theory]
    [InlineData("as-sent", JsonForm.Minified)]
    [InlineData("javascript", JsonForm.JavaScript)]
    [InlineData("php", JsonForm.Php)]
    [InlineData("python", JsonForm.Python)]
    public void Sign_over_option_values_name_the_signed_form(string value, JsonForm form)
    {
        Assert.Equal(form, NotifyCommand.ParseSignOver(value));
    }

    [Fact]
    public void Conformance_catalogue_has_sixty_uniquely_named_checks_three_of_them_on_the_queue()
    {
        var names = ConformanceSuite.Checks.Select(check => check.Name).ToList();

        Assert.Equal(60, names.Count);
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(3, names.Count(name => name.StartsWith("queue.", StringComparison.Ordinal)));
    }
}
