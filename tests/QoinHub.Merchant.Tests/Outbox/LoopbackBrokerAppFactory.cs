using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Tests.Notifications.Publishing;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>The app publishing with its Service Bus REST publisher to a <see cref="LoopbackServiceBus"/>.</summary>
/// <param name="networkTimeout">How long one send may wait for the broker's answer before the publisher retries.</param>
/// <param name="endpoint">Where requests go when not straight to the broker (a <see cref="TcpOutageProxy"/> in front of it).</param>
internal sealed class LoopbackBrokerAppFactory(LoopbackServiceBus broker, TimeSpan networkTimeout, Uri? endpoint = null) : SnapAppFactory
{
    public const int MaxRetries = 2;
    public const string Queue = "payment-notifications";
    public const string ConnectionString = "Endpoint=sb://qoinhub-test.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VuZC1rZXktZm9yLWxvb3BiYWNrLXRlc3RzLW9ubHk=";

    public LedgerTable Ledger => new(AzuriteServer.Instance.ConnectionString, NotificationTable);

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("ServiceBus:ConnectionString", ConnectionString),
        new("ServiceBus:QueueName", Queue),
    ];

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        // The publisher the settings chose, pointed at the loopback broker over a transport that trusts its certificate.
        // Replaced as its own type: the app resolves both the publisher and the publish target's health check through it.
        services.RemoveAll<ServiceBusRestPublisher>();
        services.RemoveAll<INotificationPublisher>();
        services.AddSingleton<INotificationPublisher>(provider => provider.GetRequiredService<ServiceBusRestPublisher>());
        services.AddSingleton(provider =>
        {
            var options = new ServiceBusPublisherOptions { ConnectionString = ConnectionString, QueueName = Queue, Endpoint = endpoint ?? broker.BaseAddress };
            options.ClientOptions.Transport = broker.CreateTransport();
            options.ClientOptions.Retry.MaxRetries = MaxRetries;
            options.ClientOptions.Retry.Delay = TimeSpan.FromMilliseconds(1);
            options.ClientOptions.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
            options.ClientOptions.Retry.NetworkTimeout = networkTimeout;
            return new ServiceBusRestPublisher(options, null, TimeProvider.System, provider.GetRequiredService<ILogger<ServiceBusRestPublisher>>());
        });
    }
}
