using System.Text.Json;
using QoinHub.Merchant.Tests.Notifications.Publishing;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>What the loopback broker was sent, counted the way duplicates would show.</summary>
internal static class BrokerSends
{
    /// <summary>The Service Bus message id a send carried (its BrokerProperties header).</summary>
    public static string MessageIdOf(ReceivedRequest send)
    {
        using var properties = JsonDocument.Parse(send.Header("BrokerProperties") ?? "{}");
        return properties.RootElement.TryGetProperty("MessageId", out var id) ? id.GetString() ?? string.Empty : string.Empty;
    }

    /// <summary>Sends the broker accepted (answered 201).</summary>
    public static List<ReceivedRequest> Accepted(LoopbackServiceBus broker) => [.. broker.Requests.Where(send => send.AnsweredWith == 201)];
}
