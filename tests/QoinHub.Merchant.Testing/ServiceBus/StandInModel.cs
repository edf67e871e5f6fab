namespace QoinHub.Merchant.Testing.ServiceBus;

/// <summary>A message as the stand-in holds it: what a sender put in it, and what the broker added.</summary>
public sealed record StandInMessage
{
    public required string? MessageId { get; init; }

    public string? ContentType { get; init; }

    /// <summary>The AMQP subject (the SDK's <c>Subject</c>, the REST API's <c>Label</c>).</summary>
    public string? Subject { get; init; }

    public string? CorrelationId { get; init; }

    /// <summary>The application properties, values as AMQP decoded them (strings, numbers, booleans).</summary>
    public IReadOnlyDictionary<string, object?> ApplicationProperties { get; init; } = new Dictionary<string, object?>();

    /// <summary>The body: the concatenated data sections, or the UTF-8 of an AMQP string value.</summary>
    public required byte[] Body { get; init; }

    /// <summary>The property's value as a string, or null when it is absent.</summary>
    public string? Property(string name) =>
        ApplicationProperties.TryGetValue(name, out var value) ? Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) : null;
}

/// <summary>What the stand-in did with one message that arrived on a sender link.</summary>
public enum SendOutcome
{
    /// <summary>Accepted and enqueued.</summary>
    Accepted,

    /// <summary>Accepted and dropped: duplicate detection had seen its MessageId within the window.</summary>
    DuplicateDropped,

    /// <summary>Rejected with an error condition (see <see cref="StandInSend.Condition"/>).</summary>
    Rejected,

    /// <summary>Never settled: the sender was left waiting.</summary>
    NeverSettled,

    /// <summary>The connection was dropped before the message was taken.</summary>
    Dropped,

    /// <summary>Enqueued, then the connection was dropped before the sender heard so.</summary>
    AcceptedAnswerLost,
}

/// <summary>One message that arrived on a sender link, in arrival order.</summary>
/// <param name="Batched">True when it came inside a batch delivery (message format 0x80013700).</param>
public sealed record StandInSend(string Queue, StandInMessage Message, SendOutcome Outcome, string? Condition, bool Batched)
{
    /// <summary>True when the queue holds the message because of this send.</summary>
    public bool Enqueued => Outcome is SendOutcome.Accepted or SendOutcome.AcceptedAnswerLost;
}

/// <summary>A <c>put-token</c> request on the <c>$cbs</c> node.</summary>
/// <param name="Type"><c>servicebus.windows.net:sastoken</c> or <c>jwt</c>.</param>
/// <param name="Audience">The resource the token is for, e.g. <c>amqp://127.0.0.1:5672/payment-notifications</c>.</param>
/// <param name="StatusCode">What the stand-in answered: 200, or 401 when it refused the token.</param>
public sealed record TokenRequest(string? Type, string? Audience, int StatusCode, string? Reason)
{
    /// <summary>The token itself (a SAS token or a bearer token): for tests that check it is never written down.</summary>
    public string? Token { get; init; }

    public override string ToString() => $"TokenRequest {{ Type = {Type}, Audience = {Audience}, StatusCode = {StatusCode}, Reason = {Reason} }}";
}

/// <summary>A message's place in a queue, as a receiver would see it.</summary>
public enum StandInMessageState
{
    Available,
    Locked,
    Completed,
    DeadLettered,
}

/// <summary>
/// A fault the stand-in plays instead of its normal answer to one delivery (or, as
/// <see cref="ServiceBusStandIn.EveryDelivery"/>, to every delivery while it is set).
/// </summary>
public sealed class StandInFault
{
    private StandInFault(string name, string? condition = null)
    {
        Name = name;
        Condition = condition;
    }

    /// <summary>Rejects with <c>com.microsoft:server-busy</c>: the SDK waits 10 s before trying again.</summary>
    public static StandInFault ServerBusy => new("server-busy", "com.microsoft:server-busy");

    /// <summary>Rejects with <c>amqp:internal-error</c>: transient, retried.</summary>
    public static StandInFault InternalError => new("internal-error", "amqp:internal-error");

    /// <summary>Rejects with <c>amqp:not-found</c>: not transient, the SDK gives up at once.</summary>
    public static StandInFault NotFound => new("not-found", "amqp:not-found");

    /// <summary>Takes the delivery and never settles it: the sender waits for its try time-out.</summary>
    public static StandInFault NeverSettle => new("never-settle");

    /// <summary>Drops the connection instead of taking the delivery: nothing is enqueued.</summary>
    public static StandInFault DropConnection => new("drop-connection");

    /// <summary>Enqueues the message, then drops the connection before settling: the sender never hears of it.</summary>
    public static StandInFault AcceptThenDrop => new("accept-then-drop");

    /// <summary>
    /// Holds the delivery until <paramref name="release"/> completes, then accepts it; if the
    /// connection goes first the message is not enqueued.
    /// </summary>
    public static StandInFault Hold(Task release) => new("hold") { Release = release };

    public string Name { get; }

    /// <summary>The AMQP error condition a rejection carries.</summary>
    public string? Condition { get; }

    /// <summary>For <see cref="Hold"/>: what the answer waits for.</summary>
    public Task? Release { get; private init; }

    /// <summary>For <see cref="Hold"/>: completes when the delivery has arrived and is being held.</summary>
    public TaskCompletionSource Arrived { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override string ToString() => Name;
}
