using Azure.Core;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Pipeline options of <see cref="ServiceBusRestPublisher"/>: retries and transport. The defaults keep
/// the worst case (4 tries of 5 s plus back-off, about 22 s) inside QoinHub's callback timeout, so a
/// slow Service Bus still ends in a 5xx that QoinHub retries rather than in a dropped connection.
/// </summary>
public sealed class ServiceBusRestClientOptions : ClientOptions
{
    public ServiceBusRestClientOptions()
    {
        this.WithCallbackRetries(maxRetries: 3, networkTimeout: TimeSpan.FromSeconds(5));
        AddPolicy(MessageTraceContextPolicy.Shared, HttpPipelinePosition.BeforeTransport);
    }
}
