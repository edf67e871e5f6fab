using System.Net.Sockets;
using Azure.Messaging.ServiceBus;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// The retry policy of the publisher's client: every attempt limited to
/// <see cref="ServiceBusPublisherOptions.TryTimeout"/>, at most
/// <see cref="ServiceBusPublisherOptions.MaxRetries"/> more attempts after a transient failure,
/// exponential back-off with jitter, and no retry after <c>server-busy</c>: the SDK would wait 10 s
/// before that retry whatever delay is configured, longer than QoinHub should wait. The publish
/// fails at once instead, QoinHub is answered 5xx and the record waits for its retry or the relay.
/// </summary>
internal sealed class PublishRetryPolicy(ServiceBusPublisherOptions options) : ServiceBusRetryPolicy
{
    public override TimeSpan CalculateTryTimeout(int attemptCount) => options.TryTimeout;

    public override TimeSpan? CalculateRetryDelay(Exception lastException, int attemptCount)
    {
        if (attemptCount > options.MaxRetries || !IsTransient(lastException))
        {
            return null;
        }

        var exponential = options.RetryDelay.TotalMilliseconds * Math.Pow(2, attemptCount - 1);
        var jittered = exponential * (0.8 + (Random.Shared.NextDouble() * 0.4));
        return TimeSpan.FromMilliseconds(Math.Min(jittered, options.MaxRetryDelay.TotalMilliseconds));
    }

    /// <summary>What the SDK's own policy retries, less server-busy.</summary>
    internal static bool IsTransient(Exception exception) => exception switch
    {
        ServiceBusException { Reason: ServiceBusFailureReason.ServiceBusy } => false,
        ServiceBusException serviceBus => serviceBus.IsTransient,
        TimeoutException or SocketException or IOException => true,
        OperationCanceledException { InnerException: { } inner } => IsTransient(inner),
        _ => false,
    };
}
