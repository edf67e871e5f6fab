namespace QoinHub.Merchant.Notifications;

/// <summary>The <c>Outbox</c> section: when the relay publishes recorded notifications that no request published.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>A record is relayed once it is this old (since first receipt) and unpublished, and its claim has lapsed.</summary>
    public TimeSpan RelayAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long a claim lasts: longer than the publisher's own retries take.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(60);
}
