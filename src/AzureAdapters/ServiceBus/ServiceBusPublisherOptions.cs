using System.Net.Security;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Where <see cref="ServiceBusPublisher"/> sends and how: managed identity with
/// <see cref="FullyQualifiedNamespace"/> (the app's <c>TokenCredential</c>), or a
/// <see cref="ConnectionString"/> for local runs and tests. The time limits keep one publish inside
/// the time QoinHub waits for its answer; see docs/operations.md, "Publishing to Service Bus".
/// </summary>
public sealed class ServiceBusPublisherOptions
{
    /// <summary><c>ServiceBus:FullyQualifiedNamespace</c>, e.g. <c>contoso.servicebus.windows.net</c>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary>
    /// <c>ServiceBus:ConnectionString</c>: <c>Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>,
    /// or an emulator's (<c>UseDevelopmentEmulator=true</c>, loopback only). Wins over the namespace.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>ServiceBus:QueueName</c>; must equal the connection string's EntityPath when that is set.</summary>
    public string? QueueName { get; set; }

    /// <summary>How long one attempt (connect, claim, attach, send and its settlement) may take: 5 s.</summary>
    public TimeSpan TryTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts after the first, for a transient failure other than server-busy: 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>The first back-off (then doubled, with jitter): 200 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest back-off: 2 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The bound on one publish, retries and the SDK's own waits included: 20 s. A publish still
    /// running then is abandoned and reported as failed (the record stays for a retry or the relay).
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Where the client connects instead of the namespace (a private endpoint's name; a TLS stand-in in tests). Not a setting.</summary>
    public Uri? CustomEndpointAddress { get; set; }

    /// <summary>Replaces the platform's certificate validation: tests only, to trust a stand-in's own certificate. Not a setting.</summary>
    public RemoteCertificateValidationCallback? CertificateValidationCallback { get; set; }

    public override string ToString() =>
        $"Service Bus queue '{QueueName}' on '{FullyQualifiedNamespace}' ({(string.IsNullOrEmpty(ConnectionString) ? "managed identity" : "connection string")})";
}
