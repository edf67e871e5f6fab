namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The durable record of every verified notification: an outbox record per payment fact (partner,
/// <c>originalReferenceNo</c>, status: one message id) that holds the whole message from before the
/// first publish attempt until it is published, and the per-day <c>X-EXTERNAL-ID</c> rule, applied
/// only to the notification that stores a fact's record (the headers outside the signature must not
/// let a replay reserve anything). Only one of several concurrent claimants (requests, the relay, an
/// operator) can hold a record.
/// </summary>
public interface INotificationLedger
{
    /// <summary>Records that <paramref name="key"/> carried <paramref name="payloadHash"/>, or tells what it carried before.</summary>
    Task<ExternalIdUse> RecordExternalIdAsync(NotificationKey key, string payloadHash, string messageId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the outbox record of <paramref name="record"/>'s message id, storing the record first
    /// when there is none (the record and its pending marker in one atomic write). A claim holds a
    /// lease until <c>now + lease</c>; an unpublished record whose lease ran out can be claimed again.
    /// A successful claim carries the stored message, which is what must be published.
    /// </summary>
    Task<LedgerClaim> ClaimAsync(OutboxRecord record, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Removes the record (and its pending marker) that <paramref name="claim"/> has just stored,
    /// because the notification turned out not to be acceptable (its <c>X-EXTERNAL-ID</c> was taken
    /// that day). Conditional on the claim's version: a record someone else has claimed since stays.
    /// </summary>
    Task RetractAsync(LedgerClaim claim, CancellationToken cancellationToken);

    /// <summary>Claims a stored record by message id (the relay, an operator's republish); no payload to compare.</summary>
    Task<LedgerClaim> ClaimStoredAsync(string messageId, DateTimeOffset now, TimeSpan lease, bool evenIfPublished, CancellationToken cancellationToken);

    /// <summary>
    /// Records that the claimed message is on the queue (keeping the first publish time, adding this
    /// one and counting it), ends the claim's lease and removes the pending marker.
    /// </summary>
    Task MarkPublishedAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Gives a claim up after a failed publish so that the next try need not wait for the lease.</summary>
    Task ReleaseAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Pending markers of records first received before <paramref name="receivedBefore"/>.</summary>
    IAsyncEnumerable<PendingRecord> ListPendingAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken);

    /// <summary>Removes a pending marker that has no record (the two are written together, so only a record deleted by hand leaves one).</summary>
    Task ForgetPendingAsync(string messageId, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes (or, with <paramref name="preview"/>, counts) at most <paramref name="maxRows"/>
    /// published records first received before <paramref name="cutoff"/> and external-id rows of
    /// days before it. Never touches an unpublished record or a pending marker.
    /// </summary>
    Task<PurgeResult> PurgeAsync(DateTimeOffset cutoff, int maxRows, bool preview, CancellationToken cancellationToken);
}

/// <summary>What an outbox record stores: the message exactly as it will be published, and the payload's identity.</summary>
/// <param name="FirstReceivedAt">When the notification was first received (the envelope's <c>receivedAt</c>).</param>
public sealed record OutboxRecord(NotificationMessage Message, string PayloadHash, DateOnly JakartaDay, DateTimeOffset FirstReceivedAt);

public enum ExternalIdUse
{
    /// <summary>First use of this key.</summary>
    First,

    /// <summary>Used before for the same payload (a retry).</summary>
    SamePayload,

    /// <summary>Used before for a different payload.</summary>
    OtherPayload,
}

public enum LedgerOutcome
{
    /// <summary>The claimant must publish <see cref="LedgerClaim.Message"/>: first receipt, or a retry or relay after an attempt that did not publish.</summary>
    Claimed,

    /// <summary>Published before: publish nothing.</summary>
    AlreadyPublished,

    /// <summary>Another claimant holds the record right now.</summary>
    InProgress,

    /// <summary>The same payment fact was recorded with a different payload.</summary>
    PayloadMismatch,

    /// <summary>No record with that message id (only from <see cref="INotificationLedger.ClaimStoredAsync"/>).</summary>
    NotFound,

    /// <summary>
    /// The stored record fails its MAC check (<see cref="OutboxMac"/>): changed, or written, by someone
    /// without the key. It is never published; <see cref="LedgerClaim.Problem"/> says what failed.
    /// </summary>
    Tampered,
}

/// <summary>The answer of a claim.</summary>
/// <param name="Message">The stored message, set when <see cref="Outcome"/> is <see cref="LedgerOutcome.Claimed"/>.</param>
/// <param name="Version">The record's version that the claim holds (an ETag), for conditional updates.</param>
public sealed record LedgerClaim(LedgerOutcome Outcome, string MessageId, DateTimeOffset FirstReceivedAt, string? Version, int Attempt, NotificationMessage? Message)
{
    /// <summary>True when this claim stored the record: the first receipt of the payment fact.</summary>
    public bool StoredNow { get; init; }

    /// <summary>The key (partner, Asia/Jakarta day, <c>X-EXTERNAL-ID</c>) the record was first stored under, when known.</summary>
    public NotificationKey? RecordedUnder { get; init; }

    /// <summary>When the record was first published, if it was: marking it published again keeps this time.</summary>
    public DateTimeOffset? FirstPublishedAt { get; init; }

    /// <summary>How many times the record was marked published before this claim.</summary>
    public int Publishes { get; init; }

    /// <summary>With <see cref="LedgerOutcome.Tampered"/>: what failed (never the record's content).</summary>
    public string? Problem { get; init; }
}

/// <summary>A pending marker: a record that was stored and is not known to be published.</summary>
public sealed record PendingRecord(string MessageId, DateTimeOffset FirstReceivedAt);

/// <summary>What a purge deleted (or would delete).</summary>
public sealed record PurgeResult(int Records, int ExternalIds, bool Complete);
