using Azure.Core;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Service Bus answers a send with 201 and nothing else counts as accepted. Time-outs (408),
/// throttling (429) and server errors (5xx) are retried: the deterministic MessageId with duplicate
/// detection makes a retry of a send that did land harmless. Network errors and time-outs are
/// retried by the base class.
/// </summary>
internal sealed class ServiceBusSendClassifier : ResponseClassifier
{
    public override bool IsErrorResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Response.Status != 201;
    }

    public override bool IsRetriableResponse(HttpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message.Response.Status is 408 or 429 or >= 500;
    }
}
