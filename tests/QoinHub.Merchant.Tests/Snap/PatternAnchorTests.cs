using System.Reflection;
using System.Text.RegularExpressions;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Snap;

/// <summary>
/// Every pattern that judges protocol input (the <c>[GeneratedRegex]</c> methods of the Snap and
/// Core assemblies, found by reflection) ends at the end of the text: <c>$</c> also matches before a
/// trailing newline, so a valid value with <c>"\n"</c> appended would pass it.
/// </summary>
public sealed class PatternAnchorTests
{
    /// <summary>A valid value for each pattern; a pattern added without one fails the test until it gets one.</summary>
    private static readonly Dictionary<string, string> ValidValues = new(StringComparer.Ordinal)
    {
        ["SnapTimestamp.Iso8601"] = "2026-12-04T22:00:00+07:00",
        ["PaymentNotification.Status"] = "00",
        ["OutboxMacSettings.KeyIdFormat"] = "k1",
    };

    public static TheoryData<string> Patterns { get; } = [.. ProtocolPatterns().Select(pattern => pattern.Name)];

    [Fact]
    public void Every_protocol_pattern_is_found_and_has_a_valid_value()
    {
        var found = ProtocolPatterns().Select(pattern => pattern.Name).ToList();

        Assert.Equal(ValidValues.Keys.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Pattern_refuses_a_valid_value_with_a_trailing_newline(string name)
    {
        var (_, regex) = ProtocolPatterns().Single(pattern => pattern.Name == name);
        var valid = ValidValues[name];

        Assert.True(regex.IsMatch(valid), $"{name} ({regex}) does not match its valid value {valid}.");
        foreach (var ending in new[] { "\n", "\r\n", "\n\n" })
        {
            Assert.False(regex.IsMatch(valid + ending), $"{name} ({regex}) matches {valid} followed by {ending.ReplaceLineEndings("\\n")}: anchor it with \\z, not $.");
        }

        Assert.EndsWith(@"\z", regex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-12-04T22:00:00+07:00\n")]
    [InlineData("2026-12-04T22:00:00+07:00\r\n")]
    [InlineData("2026-12-04T22:00:00Z\n")]
    public void Timestamp_with_a_trailing_newline_is_not_a_timestamp(string text) =>
        Assert.False(SnapTimestamp.TryParse(text, out _));

    private static IEnumerable<(string Name, Regex Regex)> ProtocolPatterns() =>
        new[] { typeof(SnapTimestamp).Assembly, typeof(PaymentNotification).Assembly }
            .SelectMany(assembly => assembly.GetTypes())
            .SelectMany(type => type.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Where(method => method.GetCustomAttribute<GeneratedRegexAttribute>() is not null)
            .Select(method => ($"{method.DeclaringType!.Name}.{method.Name}", (Regex)method.Invoke(null, null)!));
}
