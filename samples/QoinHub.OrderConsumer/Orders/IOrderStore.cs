namespace QoinHub.OrderConsumer.Orders;

/// <summary>
/// The order system's side of the consumer. <see cref="ApplyAsync"/> must be atomic: in one database
/// transaction it checks whether <see cref="PaymentStatusChange.MessageId"/> was processed before,
/// reads the transaction's current status, decides with <see cref="StatusTransitions.Decide"/>,
/// changes the order when the outcome is <see cref="ApplyOutcome.Applied"/>, and records the message
/// id (with a unique key on it) whatever the outcome. Then a redelivered or duplicate message changes
/// nothing, and two messages of one transaction processed at once cannot both win.
/// </summary>
public interface IOrderStore
{
    /// <summary>Applies the change once; idempotent by message id.</summary>
    /// <exception cref="UnprocessableMessageException">The message can never be applied (for example no order has that reference): it is dead-lettered.</exception>
    /// <remarks>Any other exception counts as transient: the message is abandoned and delivered again.</remarks>
    Task<ApplyResult> ApplyAsync(PaymentStatusChange change, CancellationToken cancellationToken);
}

/// <summary>One payment fact from one message.</summary>
/// <param name="OriginalPartnerReferenceNo">The merchant's own reference: what the order is found by.</param>
/// <param name="ReceivedAt">The envelope's <c>receivedAt</c> as written (UTC, milliseconds, <c>Z</c>): for the record, never to order statuses by.</param>
public sealed record PaymentStatusChange(
    string MessageId,
    string PartnerId,
    string OriginalReferenceNo,
    string OriginalPartnerReferenceNo,
    string Status,
    string ReceivedAt);

/// <param name="PreviousStatus">The transaction's status before the message; null for its first message.</param>
/// <param name="CurrentStatus">Its status after the message (the previous one unless applied).</param>
public sealed record ApplyResult(ApplyOutcome Outcome, string? PreviousStatus, string CurrentStatus);

/// <summary>
/// Thrown by a store for a message that no retry can apply. <see cref="Reason"/> and
/// <see cref="Exception.Message"/> become the dead-letter reason and description: no secrets, no
/// personal data in them.
/// </summary>
public sealed class UnprocessableMessageException : Exception
{
    public UnprocessableMessageException(string reason, string description)
        : base(description)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        Reason = reason;
    }

    public UnprocessableMessageException()
        : this("Unprocessable", "The order system cannot apply this message.")
    {
    }

    public UnprocessableMessageException(string message)
        : this("Unprocessable", message)
    {
    }

    public UnprocessableMessageException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "Unprocessable";
    }

    public string Reason { get; }
}
