using Microsoft.Extensions.Options;

namespace QoinHub.Merchant.Retention;

/// <summary>
/// Refuses <see cref="RetentionOptions"/> with <see cref="RetentionOptions.Problems"/> at start-up:
/// a retention shorter than a replay can arrive would otherwise only show as a failed retention
/// run hours after a deployment that looked healthy.
/// </summary>
internal sealed class RetentionOptionsValidation : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
