using System.Text;
using System.Text.Json.Nodes;
using QoinHub.OrderConsumer.Envelope;
using QoinHub.OrderConsumer.Orders;

namespace QoinHub.OrderConsumer.Tests.Infrastructure;

/// <summary>Envelopes as the merchant callbacks app writes them (docs/messages.md), made from a few values.</summary>
internal static class Envelopes
{
    public const string Partner = "QoinSnap";

    public const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    /// <summary>A fresh transaction reference, so that tests sharing nothing also share no transaction.</summary>
    public static string NewReference() => "T" + Guid.NewGuid().ToString("N")[..11].ToUpperInvariant();

    public static JsonObject Create(string reference, string status, string partner = Partner, string? traceParent = TraceParent, string schemaVersion = "1.1")
    {
        var envelope = new JsonObject
        {
            ["schemaVersion"] = schemaVersion,
            ["type"] = PaymentNotificationEnvelope.DebitType,
            ["messageId"] = MessageIds.For(partner, reference, status),
            ["partnerId"] = partner,
            ["externalId"] = "41807553358950093184162180797837",
            ["channelId"] = "95221",
            ["timestamp"] = "2024-08-23T07:44:20+07:00",
            ["receivedAt"] = "2024-08-23T00:44:20.512Z",
        };
        if (traceParent is not null)
        {
            envelope["traceparent"] = traceParent;
        }

        envelope["notification"] = new JsonObject
        {
            ["additionalInfo"] = new JsonObject(),
            ["createdTime"] = "2024-08-23T07:44:11+07:00",
            ["latestTransactionStatus"] = status,
            ["originalPartnerReferenceNo"] = "order-" + reference,
            ["originalReferenceNo"] = reference,
            ["transactionStatusDesc"] = PaymentStatuses.NameOf(status),
        };
        return envelope;
    }

    public static string MessageIdOf(JsonNode envelope) => (string)envelope["messageId"]!;

    public static byte[] Bytes(JsonNode envelope) => Encoding.UTF8.GetBytes(envelope.ToJsonString());

    /// <summary>Sets a value at a dotted path (<c>notification.originalReferenceNo</c>), or removes it when <paramref name="json"/> is null.</summary>
    public static JsonObject With(this JsonObject envelope, string path, string? json)
    {
        var parts = path.Split('.');
        var parent = parts.Length == 2 ? envelope[parts[0]]!.AsObject() : envelope;
        if (json is null)
        {
            parent.Remove(parts[^1]);
        }
        else
        {
            parent[parts[^1]] = JsonNode.Parse(json);
        }

        return envelope;
    }
}
