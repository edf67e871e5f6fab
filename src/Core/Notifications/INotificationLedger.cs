namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The dedupe record of every notification received: who may publish it, and whether it was
/// published. Only one of several concurrent requests can claim a notification.
/// </summary>
public interface INotificationLedger
{
    /// <summary>
    /// Claims the right to publish <paramref name="key"/>, or tells why not. A claim holds a lease
    /// until <c>now + lease</c>; an unpublished record whose lease ran out can be claimed again.
    /// </summary>
    Task<LedgerClaim> ClaimAsync(NotificationKey key, string payloadHash, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Records that the claimed notification is on the queue.</summary>
    Task MarkPublishedAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives a claim up after a failed publish so that the next try need not wait for the lease.</summary>
    Task ReleaseAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken);
}

public enum LedgerOutcome
{
    /// <summary>This request must publish (first receipt, or a retry after an attempt that did not publish).</summary>
    Claimed,

    /// <summary>Published before: answer success, publish nothing.</summary>
    AlreadyPublished,

    /// <summary>Another request holds the claim right now.</summary>
    InProgress,

    /// <summary>The same key was received with a different payload.</summary>
    PayloadMismatch,
}

/// <summary>The answer of <see cref="INotificationLedger.ClaimAsync"/>.</summary>
/// <param name="FirstReceivedAt">When the notification was first received (kept across retries).</param>
/// <param name="Version">The record's version that a claim holds (an ETag), for conditional updates.</param>
public sealed record LedgerClaim(LedgerOutcome Outcome, NotificationKey Key, DateTimeOffset FirstReceivedAt, string? Version, int Attempt);
