using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>What the Service Bus stand-in was sent, counted the way duplicates would show.</summary>
internal static class BrokerSends
{
    /// <summary>The messages the queue holds because of a send, in arrival order (a duplicate counts twice).</summary>
    public static List<StandInMessage> Enqueued(ServiceBusStandIn broker) =>
        [.. broker.Sends.Where(send => send.Enqueued).Select(send => send.Message)];
}
