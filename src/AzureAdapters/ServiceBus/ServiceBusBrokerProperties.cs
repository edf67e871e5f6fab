using System.Text.Json.Serialization;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>The <c>BrokerProperties</c> header of a Service Bus REST send: the message's system properties.</summary>
internal sealed record ServiceBusBrokerProperties(
    string MessageId,
    string ContentType,
    string Label,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? CorrelationId);

/// <summary>Reflection-free serialization of the Service Bus headers.</summary>
[JsonSerializable(typeof(ServiceBusBrokerProperties))]
[JsonSerializable(typeof(string))]
internal sealed partial class ServiceBusHeadersJsonContext : JsonSerializerContext;
