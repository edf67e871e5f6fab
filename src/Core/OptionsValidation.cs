using Microsoft.Extensions.Options;
using QoinHub.Merchant.Health;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Retention;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant;

/// <summary>
/// Checks the <c>Snap</c>, <c>Outbox</c>, <c>Retention</c> and <c>Health</c> settings at start-up (they are
/// validated on start), so that a negative duration or an impossible limit stops the app with a
/// message naming the setting, never its value, instead of misbehaving later.
/// </summary>
internal sealed class SettingsValidation :
    IValidateOptions<SnapOptions>,
    IValidateOptions<OutboxOptions>,
    IValidateOptions<RetentionOptions>,
    IValidateOptions<HealthOptions>
{
    /// <summary>A limit beyond which counting would only cost contention on the client's count row.</summary>
    private const int MaxTokensPerMinuteLimit = 10_000;

    public ValidateOptionsResult Validate(string? name, SnapOptions options) => Result(SnapProblems(options));

    public ValidateOptionsResult Validate(string? name, OutboxOptions options) => Result(OutboxProblems(options));

    public ValidateOptionsResult Validate(string? name, RetentionOptions options) => Result(options.Problems());

    public ValidateOptionsResult Validate(string? name, HealthOptions options) => Result(HealthProblems(options));

    private static IEnumerable<string> SnapProblems(SnapOptions options)
    {
        if (options.TimestampTolerance <= TimeSpan.Zero || options.TimestampTolerance > TimeSpan.FromHours(1))
        {
            yield return "Snap:TimestampTolerance must be more than zero and at most one hour";
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.TokenLifetime > TimeSpan.FromDays(1))
        {
            yield return "Snap:TokenLifetime must be more than zero and at most one day";
        }

        if (options.MaxTokensPerMinute is < 1 or > MaxTokensPerMinuteLimit)
        {
            yield return $"Snap:MaxTokensPerMinute must be at least 1 and at most {MaxTokensPerMinuteLimit}";
        }

        if (options.MaxBodyBytes < 1024)
        {
            yield return "Snap:MaxBodyBytes must be at least 1024";
        }

        if (options.CallDeadline < TimeSpan.FromMilliseconds(500) || options.CallDeadline > TimeSpan.FromSeconds(60))
        {
            yield return "Snap:CallDeadline must be from 00:00:00.5 to 00:01:00";
        }

        for (var i = 0; i < options.NotifyPaths.Count; i++)
        {
            if (!options.NotifyPaths[i].StartsWith('/'))
            {
                yield return $"Snap:NotifyPaths:{i} must be a path starting with '/'";
            }
        }
    }

    private static IEnumerable<string> OutboxProblems(OutboxOptions options)
    {
        if (options.RelayAfter < TimeSpan.Zero)
        {
            yield return "Outbox:RelayAfter must not be negative";
        }

        if (options.ClaimLease <= TimeSpan.Zero)
        {
            yield return "Outbox:ClaimLease must be more than zero";
        }
    }

    private static IEnumerable<string> HealthProblems(HealthOptions options)
    {
        if (options.Timeout <= TimeSpan.Zero || options.Timeout > HealthOptions.MaximumTimeout)
        {
            yield return $"{HealthOptions.SectionName}:Timeout must be more than zero and at most {HealthOptions.MaximumTimeout.TotalSeconds:0} seconds";
        }
    }

    private static ValidateOptionsResult Result(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        return list.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(list);
    }
}
