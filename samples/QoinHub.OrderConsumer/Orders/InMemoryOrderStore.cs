namespace QoinHub.OrderConsumer.Orders;

/// <summary>
/// A stand-in for the order database, for the sample and its tests. It keeps everything in memory,
/// so it forgets on restart and is per process: <b>not for production</b>.
/// </summary>
/// <remarks>
/// In production this is the order database. Record each processed message id in a table with a
/// <b>unique key on the message id</b>, written in the <b>same database transaction</b> as the order
/// change, and keep the payment transaction's current status (key: partner id and
/// <c>originalReferenceNo</c>) in a row you lock or update with an optimistic check in that
/// transaction. Roughly:
/// <code>
/// BEGIN;
///   INSERT INTO processed_messages (message_id, outcome, ...) VALUES (@id, ...);   -- unique key: a duplicate fails here → Duplicate
///   SELECT status FROM payments WHERE partner_id = @p AND reference_no = @r FOR UPDATE;
///   -- outcome = StatusTransitions.Decide(status, @incoming)
///   -- if Applied: UPDATE payments ...; UPDATE orders ... WHERE merchant_reference = @originalPartnerReferenceNo
/// COMMIT;
/// </code>
/// Only after the commit does the consumer complete the message; if the process dies in between, the
/// redelivery finds the message id and changes nothing.
/// </remarks>
public sealed class InMemoryOrderStore : IOrderStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ApplyResult> _processed = new(StringComparer.Ordinal);
    private readonly Dictionary<(string PartnerId, string OriginalReferenceNo), PaymentRecord> _payments = [];

    public Task<ApplyResult> ApplyAsync(PaymentStatusChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        cancellationToken.ThrowIfCancellationRequested();

        lock (_gate)
        {
            var key = (change.PartnerId, change.OriginalReferenceNo);
            _payments.TryGetValue(key, out var payment);
            if (_processed.ContainsKey(change.MessageId))
            {
                // Processed before (a redelivery, or the same message sent twice): nothing changes.
                var now = payment?.Status ?? change.Status;
                return Task.FromResult(new ApplyResult(ApplyOutcome.Duplicate, now, now));
            }

            var previous = payment?.Status;
            var outcome = StatusTransitions.Decide(previous, change.Status);
            var history = payment?.History ?? [];
            history = [.. history, new PaymentHistoryEntry(change.MessageId, change.Status, outcome)];
            var current = outcome == ApplyOutcome.Applied ? change.Status : previous!;
            _payments[key] = new PaymentRecord(change.PartnerId, change.OriginalReferenceNo, change.OriginalPartnerReferenceNo, current, history);

            var result = new ApplyResult(outcome, previous, current);
            _processed.Add(change.MessageId, result);
            return Task.FromResult(result);
        }
    }

    /// <summary>The transaction's state; null when no message about it was processed.</summary>
    public PaymentRecord? Find(string partnerId, string originalReferenceNo)
    {
        lock (_gate)
        {
            return _payments.GetValueOrDefault((partnerId, originalReferenceNo));
        }
    }

    /// <summary>How many message ids were processed (applied or ignored), each once.</summary>
    public int ProcessedCount
    {
        get
        {
            lock (_gate)
            {
                return _processed.Count;
            }
        }
    }
}

/// <summary>A payment transaction as the store holds it.</summary>
/// <param name="History">Every message processed for it, in processing order, with what it did.</param>
public sealed record PaymentRecord(
    string PartnerId,
    string OriginalReferenceNo,
    string OriginalPartnerReferenceNo,
    string Status,
    IReadOnlyList<PaymentHistoryEntry> History);

public sealed record PaymentHistoryEntry(string MessageId, string Status, ApplyOutcome Outcome);
