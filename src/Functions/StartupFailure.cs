using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace QoinHub.Merchant.Functions;

/// <summary>
/// Turns a failure to start into one line for the operator: the setting to fix, never its value.
/// Failures this does not recognise are left to crash with their stack trace, as bugs should.
/// </summary>
public static partial class StartupFailure
{
    public const int ExitCode = 3;

    public static string? Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return DescribeFailure(exception) is { } reason ? NameSettingsBothWays(reason) : null;
    }

    /// <summary>
    /// Each setting named the configuration's way (<c>Snap:TokenLifetime</c>) is followed by its
    /// app-setting and environment name (<c>Snap__TokenLifetime</c>), the way the docs and the portal
    /// write it.
    /// </summary>
    internal static string NameSettingsBothWays(string reason) =>
        SettingPath().Replace(reason, match => $"{match.Value} ({match.Value.Replace(":", "__", StringComparison.Ordinal)})");

    private static string? DescribeFailure(Exception exception)
    {
        switch (exception)
        {
            case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                return DescribeFailure(aggregate.InnerExceptions[0]);
            case OptionsValidationException validation:
                return string.Join("; ", validation.Failures.Select(OneLine));
            case InvalidOperationException { InnerException: FormatException or OverflowException or ArgumentException } conversion
                when ConversionFailure().Match(conversion.Message) is { Success: true } match:
                // The binder's own message quotes the value; name the setting and the type only.
                return $"{match.Groups["path"].Value} is not a valid {FriendlyType(match.Groups["type"].Value)}";
            case InvalidOperationException invalid:
                return OneLine(invalid.Message);
            case IOException { InnerException: SocketException } or SocketException:
                return OneLine(exception.Message) + " (set another port with --urls or PORT)";
            default:
                return null;
        }
    }

    private static string OneLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    private static string FriendlyType(string type) => type switch
    {
        "System.TimeSpan" => "duration (d.hh:mm:ss)",
        "System.Int32" => "whole number",
        "System.Boolean" => "true/false",
        "System.Uri" => "URI",
        _ => type,
    };

    [GeneratedRegex(@"at '(?<path>[^']+)' to type '(?<type>[^']+)'", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ConversionFailure();

    /// <summary>A configuration path: a capitalised section, then one or more <c>:</c>-separated keys or indexes.</summary>
    [GeneratedRegex(@"(?<![\w:/])[A-Z][A-Za-z0-9]*(?::[A-Za-z0-9]+)+(?![\w/]|:[\w/])", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex SettingPath();
}
