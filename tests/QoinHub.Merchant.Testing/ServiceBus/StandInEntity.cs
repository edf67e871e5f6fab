namespace QoinHub.Merchant.Testing.ServiceBus;

/// <summary>
/// One queue of the stand-in and its dead-letter sub-queue. Messages are handed to receivers in
/// peek-lock: locked for <see cref="ServiceBusStandIn.LockDuration"/>, then completed, abandoned
/// (available again) or dead-lettered; a lock that runs out makes the message available again.
/// A message delivered <see cref="ServiceBusStandIn.MaxDeliveryCount"/> times without being
/// completed is dead-lettered with the reason <c>MaxDeliveryCountExceeded</c>, as Service Bus does.
/// </summary>
public sealed class StandInEntity
{
    private readonly Lock _gate = new();
    private readonly List<StandInEntry> _entries = [];
    private readonly Dictionary<string, DateTimeOffset> _seenMessageIds = new(StringComparer.Ordinal);
    private readonly ServiceBusStandIn _broker;
    private long _sequence;

    internal StandInEntity(ServiceBusStandIn broker, string name)
    {
        _broker = broker;
        Name = name;
    }

    public string Name { get; }

    /// <summary>Raised (outside the queue's lock) when a message becomes available to receivers.</summary>
    internal event Action? MessageAvailable;

    /// <summary>Every message the queue took, in the order it took them, whatever became of them since.</summary>
    public IReadOnlyList<StandInMessage> Enqueued
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries.Select(entry => entry.Message)];
            }
        }
    }

    /// <summary>Messages still in the queue (available or locked), in order.</summary>
    public IReadOnlyList<StandInMessage> Active => Where(StandInMessageState.Available, StandInMessageState.Locked);

    /// <summary>Messages a receiver completed.</summary>
    public IReadOnlyList<StandInMessage> Completed => Where(StandInMessageState.Completed);

    /// <summary>The dead-letter sub-queue.</summary>
    public IReadOnlyList<StandInMessage> DeadLettered => Where(StandInMessageState.DeadLettered);

    /// <summary>The reason and description a message was dead-lettered with.</summary>
    public (string? Reason, string? Description) DeadLetterReasonOf(string messageId)
    {
        lock (_gate)
        {
            var entry = _entries.LastOrDefault(e => e.State == StandInMessageState.DeadLettered && e.Message.MessageId == messageId)
                ?? throw new InvalidOperationException($"Message {messageId} is not dead-lettered.");
            return (entry.DeadLetterReason, entry.DeadLetterDescription);
        }
    }

    /// <summary>How many times the message was handed to a receiver.</summary>
    public int DeliveryCountOf(string messageId)
    {
        lock (_gate)
        {
            return _entries.Last(e => e.Message.MessageId == messageId).DeliveryCount;
        }
    }

    /// <summary>Puts a message straight into the queue, as if a sender had sent it.</summary>
    public void Add(StandInMessage message) => TryEnqueue(message, out _);

    /// <summary>Enqueues unless duplicate detection drops it; false when dropped.</summary>
    internal bool TryEnqueue(StandInMessage message, out long sequenceNumber)
    {
        var now = _broker.Clock.GetUtcNow();
        lock (_gate)
        {
            if (_broker.DuplicateDetectionWindow is { } window && message.MessageId is { } id)
            {
                if (_seenMessageIds.TryGetValue(id, out var seen) && now - seen < window)
                {
                    sequenceNumber = 0;
                    return false;
                }

                _seenMessageIds[id] = now;
            }

            sequenceNumber = ++_sequence;
            _entries.Add(new StandInEntry(message, sequenceNumber, now));
        }

        MessageAvailable?.Invoke();
        return true;
    }

    /// <summary>Makes messages whose lock ran out available again (or dead-letters them); called by the broker's timer.</summary>
    internal void ExpireLocks()
    {
        var now = _broker.Clock.GetUtcNow();
        var available = false;
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                if (entry.State == StandInMessageState.Locked && entry.LockedUntil <= now)
                {
                    available |= Unlock(entry);
                }
            }
        }

        if (available)
        {
            MessageAvailable?.Invoke();
        }
    }

    /// <summary>Locks the next available message of the queue or of its dead-letter sub-queue for a receiver.</summary>
    internal StandInEntry? LockNext(bool deadLetter)
    {
        var now = _broker.Clock.GetUtcNow();
        lock (_gate)
        {
            var wanted = deadLetter ? StandInMessageState.DeadLettered : StandInMessageState.Available;
            var next = _entries.FirstOrDefault(entry => entry.State == wanted && !entry.HandedOutFromDeadLetter);
            if (next is null)
            {
                return null;
            }

            next.DeliveryCount++;
            next.LockToken = Guid.NewGuid();
            next.LockedUntil = now + _broker.LockDuration;
            if (deadLetter)
            {
                next.HandedOutFromDeadLetter = true;
            }
            else
            {
                next.State = StandInMessageState.Locked;
            }

            return next;
        }
    }

    /// <summary>Settles a locked message as the receiver asked. False when the lock token is not (or no longer) held.</summary>
    internal bool Settle(Guid lockToken, Settlement settlement, string? reason = null, string? description = null)
    {
        var available = false;
        lock (_gate)
        {
            var entry = _entries.FirstOrDefault(e => e.LockToken == lockToken);
            if (entry is null)
            {
                return false;
            }

            if (entry.HandedOutFromDeadLetter)
            {
                // A receiver of the dead-letter sub-queue: completing removes it, anything else leaves it there.
                entry.HandedOutFromDeadLetter = false;
                entry.LockToken = null;
                if (settlement == Settlement.Complete)
                {
                    entry.State = StandInMessageState.Completed;
                    entry.DeadLetterOrigin = true;
                }

                return true;
            }

            if (entry.State != StandInMessageState.Locked)
            {
                return false;
            }

            switch (settlement)
            {
                case Settlement.Complete:
                    entry.State = StandInMessageState.Completed;
                    entry.LockToken = null;
                    break;
                case Settlement.DeadLetter:
                    DeadLetter(entry, reason, description);
                    break;
                case Settlement.Release:
                    entry.DeliveryCount--;
                    available = Unlock(entry);
                    break;
                default:
                    available = Unlock(entry);
                    break;
            }
        }

        if (available)
        {
            MessageAvailable?.Invoke();
        }

        return true;
    }

    /// <summary>Makes a locked message available again, or dead-letters it once it has used up its deliveries. True when available.</summary>
    private bool Unlock(StandInEntry entry)
    {
        entry.LockToken = null;
        if (entry.DeliveryCount >= _broker.MaxDeliveryCount)
        {
            DeadLetter(entry, "MaxDeliveryCountExceeded", $"Message could not be consumed after {_broker.MaxDeliveryCount} delivery attempts.");
            return false;
        }

        entry.State = StandInMessageState.Available;
        return true;
    }

    private static void DeadLetter(StandInEntry entry, string? reason, string? description)
    {
        entry.State = StandInMessageState.DeadLettered;
        entry.LockToken = null;
        entry.DeadLetterReason = reason;
        entry.DeadLetterDescription = description;
    }

    private List<StandInMessage> Where(params StandInMessageState[] states)
    {
        lock (_gate)
        {
            return [.. _entries.Where(entry => states.Contains(entry.State)).Select(entry => entry.Message)];
        }
    }
}

internal enum Settlement
{
    Complete,
    Abandon,
    DeadLetter,

    /// <summary>Given back unprocessed (AMQP released): available again, and this delivery does not count.</summary>
    Release,
}

/// <summary>A message in a queue and its broker state; guarded by the queue's lock.</summary>
internal sealed class StandInEntry(StandInMessage message, long sequenceNumber, DateTimeOffset enqueuedTime)
{
    public StandInMessage Message { get; } = message;

    public long SequenceNumber { get; } = sequenceNumber;

    public DateTimeOffset EnqueuedTime { get; } = enqueuedTime;

    public StandInMessageState State { get; set; }

    public int DeliveryCount { get; set; }

    public Guid? LockToken { get; set; }

    public DateTimeOffset LockedUntil { get; set; }

    public string? DeadLetterReason { get; set; }

    public string? DeadLetterDescription { get; set; }

    /// <summary>True while a receiver of the dead-letter sub-queue holds it.</summary>
    public bool HandedOutFromDeadLetter { get; set; }

    /// <summary>True once completed from the dead-letter sub-queue.</summary>
    public bool DeadLetterOrigin { get; set; }
}
