using QoinHub.OrderConsumer.Orders;

namespace QoinHub.OrderConsumer.Tests.Infrastructure;

/// <summary>An order store whose first <c>failures</c> calls fail as a database does now and then (a time-out), then works.</summary>
internal sealed class FailingStore(IOrderStore inner, int failures) : IOrderStore
{
    private int _calls;

    /// <summary>Never recovers.</summary>
    public static Func<IOrderStore, IOrderStore> Always(Action<FailingStore>? seen = null) => inner =>
    {
        var store = new FailingStore(inner, int.MaxValue);
        seen?.Invoke(store);
        return store;
    };

    public static Func<IOrderStore, IOrderStore> Times(int failures, Action<FailingStore>? seen = null) => inner =>
    {
        var store = new FailingStore(inner, failures);
        seen?.Invoke(store);
        return store;
    };

    public int Calls => Volatile.Read(ref _calls);

    public Task<ApplyResult> ApplyAsync(PaymentStatusChange change, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        return call <= failures
            ? throw new TimeoutException($"The order database did not answer (test failure {call} of {failures}).")
            : inner.ApplyAsync(change, cancellationToken);
    }
}

/// <summary>An order store that knows no order: every message is refused for good.</summary>
internal sealed class RefusingStore : IOrderStore
{
    public Task<ApplyResult> ApplyAsync(PaymentStatusChange change, CancellationToken cancellationToken) =>
        throw new UnprocessableMessageException("UnknownOrder", "No order has this originalPartnerReferenceNo.");
}
