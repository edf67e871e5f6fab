namespace QoinHub.OrderConsumer.Orders;

/// <summary>
/// What a newly reported status does to the status a transaction (one <c>originalReferenceNo</c> of
/// one partner) already has. Messages arrive in any order, so this is decided on the states, never
/// on arrival order, <c>receivedAt</c> or <c>createdTime</c>:
/// <list type="table">
/// <listheader><term>current</term><description>incoming: outcome</description></listheader>
/// <item><term>none</term><description>any: applied.</description></item>
/// <item><term>01, 02, 03</term><description>a final status: applied; a later in-progress status
/// (01 → 02 → 03): applied; an earlier or the same one: ignored as stale.</description></item>
/// <item><term>00 Success</term><description>04 Refunded: applied (a refund after the payment);
/// 01, 02, 03: ignored as stale (a late message must not undo a payment); any other final status:
/// ignored as a conflict.</description></item>
/// <item><term>04 Refunded</term><description>00 or 01–03: ignored as stale (the refund implies the
/// success before it); any other final status: ignored as a conflict.</description></item>
/// <item><term>05–09</term><description>01–03: ignored as stale; any other final status, 00 and 04
/// included: ignored as a conflict.</description></item>
/// </list>
/// A conflict is two outcomes that cannot both be true (for example <c>00</c> Success after
/// <c>08</c> Expiry: money may have moved after the order gave up). The first outcome stands, the
/// message is completed (reading it again would decide the same), and it is logged as a warning:
/// a person must reconcile the order with QoinHub.
/// </summary>
public static class StatusTransitions
{
    public static ApplyOutcome Decide(string? current, string incoming)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        if (current is null)
        {
            return ApplyOutcome.Applied;
        }

        if (current == incoming)
        {
            // The same fact again (normally caught earlier by its message id, which it shares).
            return ApplyOutcome.Duplicate;
        }

        if (!PaymentStatuses.IsFinal(current))
        {
            return PaymentStatuses.IsFinal(incoming) || PaymentStatuses.ProgressOf(incoming) > PaymentStatuses.ProgressOf(current)
                ? ApplyOutcome.Applied
                : ApplyOutcome.IgnoredStale;
        }

        if (!PaymentStatuses.IsFinal(incoming))
        {
            return ApplyOutcome.IgnoredStale;
        }

        return (current, incoming) switch
        {
            (PaymentStatuses.Success, PaymentStatuses.Refunded) => ApplyOutcome.Applied,
            (PaymentStatuses.Refunded, PaymentStatuses.Success) => ApplyOutcome.IgnoredStale,
            _ => ApplyOutcome.IgnoredConflict,
        };
    }
}

/// <summary>What applying one message did.</summary>
public enum ApplyOutcome
{
    /// <summary>The transaction moved to the message's status (and the order with it).</summary>
    Applied,

    /// <summary>This message id was applied (or ignored) before: nothing changed.</summary>
    Duplicate,

    /// <summary>An older status than the one the transaction has, arriving late: nothing changed.</summary>
    IgnoredStale,

    /// <summary>A final status contradicting the final one the transaction has: nothing changed, needs a person.</summary>
    IgnoredConflict,
}
