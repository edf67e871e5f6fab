namespace QoinHub.Merchant.Snap;

/// <summary>Protocol settings, bound from the <c>Snap</c> configuration section.</summary>
public sealed class SnapOptions
{
    public const string SectionName = "Snap";

    /// <summary>How far <c>X-TIMESTAMP</c> may lie from our clock, either way.</summary>
    public TimeSpan TimestampTolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Lifetime of issued access tokens (<c>expiresIn</c>).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// New access tokens one client may be issued per minute (UTC), counted in Table Storage across
    /// instances; beyond it a token request is answered <c>4297300</c>. A request sent again gets the
    /// token already issued for it and is not counted.
    /// </summary>
    public int MaxTokensPerMinute { get; set; } = 60;

    /// <summary>
    /// Public paths QoinHub may sign for the notification besides the path the app receives, e.g.
    /// the path behind a gateway or custom domain (<c>/ordersnap/api/v1.0/debit/notify</c>).
    /// </summary>
    public IList<string> NotifyPaths { get; } = [];

    /// <summary>Largest request body accepted, in bytes.</summary>
    public int MaxBodyBytes { get; set; } = 32 * 1024;

    /// <summary>
    /// The most time one call may take, every dependency and every retry included: after it the
    /// caller is answered 5xx (and retries) while work already recorded goes on in the background.
    /// </summary>
    public TimeSpan CallDeadline { get; set; } = TimeSpan.FromSeconds(10);
}
