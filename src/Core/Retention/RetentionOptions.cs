namespace QoinHub.Merchant.Retention;

/// <summary>The <c>Retention</c> section: how long rows are kept.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>The shortest <see cref="Notifications"/> allowed: a retry or replay must still find its record.</summary>
    public static readonly TimeSpan MinimumNotifications = TimeSpan.FromDays(2);

    /// <summary>Published notification records and external-id rows older than this are deleted.</summary>
    public TimeSpan Notifications { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Token rows are deleted this long after they expire.</summary>
    public TimeSpan TokensAfterExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>At most this many rows of each kind are deleted in one run; the next run goes on.</summary>
    public int MaxRowsPerRun { get; set; } = 50_000;

    /// <summary>The problems with these settings, each naming its setting (never a value).</summary>
    public IEnumerable<string> Problems()
    {
        if (Notifications < MinimumNotifications)
        {
            yield return $"{SectionName}:Notifications must be at least {MinimumNotifications.TotalDays:0} days, so that a retry or a replay still finds its record";
        }

        if (TokensAfterExpiry < TimeSpan.Zero)
        {
            yield return $"{SectionName}:TokensAfterExpiry must not be negative";
        }

        if (MaxRowsPerRun < 1)
        {
            yield return $"{SectionName}:MaxRowsPerRun must be at least 1";
        }
    }
}
