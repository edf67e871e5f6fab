using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// The app publishing with its Service Bus publisher (Azure.Messaging.ServiceBus) to a
/// <see cref="ServiceBusStandIn"/>, configured by settings only, as a local run is.
/// </summary>
/// <param name="tryTimeout">How long one attempt may wait for the broker before the publisher retries.</param>
/// <param name="proxyPort">The port of a <see cref="TcpOutageProxy"/> in front of the broker, when the test needs to cut it.</param>
internal sealed class LoopbackBrokerAppFactory(ServiceBusStandIn broker, TimeSpan tryTimeout, int? proxyPort = null, IEnumerable<KeyValuePair<string, string?>>? extraSettings = null) : SnapAppFactory
{
    public const int MaxRetries = 2;
    public const string Queue = "payment-notifications";

    public LedgerTable Ledger => new(AzuriteServer.Instance.ConnectionString, NotificationTable);

    /// <summary>The connection string the app was given.</summary>
    public string ServiceBusConnectionString => proxyPort is { } port ? broker.ConnectionStringThrough(port) : broker.ConnectionString;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("ServiceBus:ConnectionString", ServiceBusConnectionString),
        new("ServiceBus:QueueName", Queue),
        new("ServiceBus:TryTimeout", tryTimeout.ToString("c", System.Globalization.CultureInfo.InvariantCulture)),
        new("ServiceBus:MaxRetries", MaxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        .. extraSettings ?? [],
    ];
}
