using System.Collections.Concurrent;
using System.Diagnostics;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Tests.Outbox.PropertyBased;

/// <summary>
/// The fault a delivery runs under. It flows with the delivery's async calls (an
/// <see cref="AsyncLocal{T}"/>), so the shared ledger and publisher know whose call they serve;
/// the relay's calls carry none.
/// </summary>
internal sealed class DeliveryContext(DeliveryFault fault)
{
    private static readonly AsyncLocal<DeliveryContext?> CurrentContext = new();
    private int _triggered;

    public static DeliveryContext? Current
    {
        get => CurrentContext.Value;
        set => CurrentContext.Value = value;
    }

    public DeliveryFault Fault => fault;

    /// <summary>Completes when the fault struck (the "process" died or the answer was lost).</summary>
    public TaskCompletionSource Struck { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True the first time only: each delivery suffers its fault once.</summary>
    public bool TryStrike(DeliveryFault kind)
    {
        if (fault != kind || Interlocked.Exchange(ref _triggered, 1) == 1)
        {
            return false;
        }

        Struck.TrySetResult();
        return true;
    }
}

/// <summary>Thrown where a delivery's process "dies": nothing after this point of that delivery runs.</summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
        : base("Simulated crash: the process died here.")
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// The real ledger, observed: which message ids were claimed (a claim stored means the notification
/// was verified and recorded), and a crash right after a delivery's claim when its fault says so.
/// </summary>
internal sealed class ObservedLedger(INotificationLedger inner) : INotificationLedger
{
    public ConcurrentDictionary<string, int> Claims { get; } = new(StringComparer.Ordinal);

    public async Task<LedgerClaim> ClaimAsync(OutboxRecord record, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claim = await inner.ClaimAsync(record, now, lease, cancellationToken).ConfigureAwait(false);
        if (claim.Outcome == LedgerOutcome.Claimed)
        {
            Claims.AddOrUpdate(claim.MessageId, 1, (_, n) => n + 1);
            if (DeliveryContext.Current?.TryStrike(DeliveryFault.CrashAfterClaim) == true)
            {
                // Thrown past NotificationDelivery: no publish, no release; the claim stays until its lease lapses.
                throw new SimulatedCrashException();
            }
        }

        return claim;
    }

    public async Task<LedgerClaim> ClaimStoredAsync(string messageId, DateTimeOffset now, TimeSpan lease, bool evenIfPublished, CancellationToken cancellationToken)
    {
        var claim = await inner.ClaimStoredAsync(messageId, now, lease, evenIfPublished, cancellationToken).ConfigureAwait(false);
        if (claim.Outcome == LedgerOutcome.Claimed)
        {
            Claims.AddOrUpdate(claim.MessageId, 1, (_, n) => n + 1);
        }

        return claim;
    }

    public Task<ExternalIdUse> RecordExternalIdAsync(NotificationKey key, string payloadHash, string messageId, DateTimeOffset now, CancellationToken cancellationToken) =>
        inner.RecordExternalIdAsync(key, payloadHash, messageId, now, cancellationToken);

    public async Task RetractAsync(LedgerClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        await inner.RetractAsync(claim, cancellationToken).ConfigureAwait(false);

        // A retracted claim stored a record and removed it again: nothing is left to publish.
        Claims.AddOrUpdate(claim.MessageId, 0, (_, n) => n - 1);
        Claims.TryRemove(new KeyValuePair<string, int>(claim.MessageId, 0));
    }

    public Task MarkPublishedAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken) => inner.MarkPublishedAsync(claim, now, cancellationToken);

    public Task ReleaseAsync(LedgerClaim claim, DateTimeOffset now, CancellationToken cancellationToken) => inner.ReleaseAsync(claim, now, cancellationToken);

    public IAsyncEnumerable<PendingRecord> ListPendingAsync(DateTimeOffset receivedBefore, CancellationToken cancellationToken) => inner.ListPendingAsync(receivedBefore, cancellationToken);

    public Task ForgetPendingAsync(string messageId, CancellationToken cancellationToken) => inner.ForgetPendingAsync(messageId, cancellationToken);

    public Task<PurgeResult> PurgeAsync(DateTimeOffset cutoff, int maxRows, bool preview, CancellationToken cancellationToken) => inner.PurgeAsync(cutoff, maxRows, preview, cancellationToken);
}

/// <summary>
/// The real Service Bus publisher, with the two faults that happen after the broker accepted a
/// message: its answer is lost (the publisher reports a failure), or the process dies before the
/// ledger hears of it (the call never returns). Counts, per message id, the sends whose outcome the
/// sender could not know: those faults, and attempts that timed out (the broker may have accepted
/// one, and the publisher's own retry then again). Each may legitimately add one acceptance of that id.
/// </summary>
/// <param name="attemptTimeout">The publisher's try time-out: a call that took this long had an attempt time out.</param>
/// <param name="attempts">Tries per call (retries + 1).</param>
internal sealed class FaultyPublisher(INotificationPublisher inner, TimeSpan attemptTimeout, int attempts) : INotificationPublisher
{
    public ConcurrentDictionary<string, int> AmbiguousSends { get; } = new(StringComparer.Ordinal);

    public async Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var context = DeliveryContext.Current;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await inner.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (NotificationPublishException) when (Stopwatch.GetElapsedTime(started) >= attemptTimeout)
        {
            // An attempt timed out: the broker may have accepted it, and the next one too.
            AmbiguousSends.AddOrUpdate(message.MessageId, attempts, (_, n) => n + attempts);
            throw;
        }

        if (Stopwatch.GetElapsedTime(started) >= attemptTimeout)
        {
            AmbiguousSends.AddOrUpdate(message.MessageId, attempts - 1, (_, n) => n + attempts - 1);
        }

        if (context?.TryStrike(DeliveryFault.LostAnswer) == true)
        {
            AmbiguousSends.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);
            throw new NotificationPublishException($"The broker's answer for {message.MessageId} was lost (simulated).");
        }

        if (context?.TryStrike(DeliveryFault.CrashAfterPublish) == true)
        {
            AmbiguousSends.AddOrUpdate(message.MessageId, 1, (_, n) => n + 1);

            // A dead process neither marks nor releases: this call never returns.
            await new TaskCompletionSource().Task.ConfigureAwait(false);
        }
    }
}
