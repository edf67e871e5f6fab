namespace QoinHub.Merchant.Health;

/// <summary>The <c>Health</c> section: how long the health function waits for each dependency.</summary>
public sealed class HealthOptions
{
    public const string SectionName = "Health";

    /// <summary>The longest <see cref="Timeout"/> allowed: a health probe must answer well within a caller's own time-out.</summary>
    public static readonly TimeSpan MaximumTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long each check may take (they run at the same time); a check still running then counts as down.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
