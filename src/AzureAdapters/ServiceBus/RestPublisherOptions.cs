namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Where <see cref="ServiceBusRestPublisher"/> sends and how it authenticates: managed identity with
/// <see cref="FullyQualifiedNamespace"/>, or a SAS <see cref="ConnectionString"/> (which wins when
/// both are set; they must then name the same namespace).
/// </summary>
public sealed class RestPublisherOptions
{
    /// <summary><c>ServiceBus:FullyQualifiedNamespace</c>, e.g. <c>contoso.servicebus.windows.net</c>.</summary>
    public string? FullyQualifiedNamespace { get; set; }

    /// <summary><c>ServiceBus:ConnectionString</c>: <c>Endpoint=sb://…/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=…]</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>ServiceBus:QueueName</c>; must equal the connection string's EntityPath when that is set.</summary>
    public string? QueueName { get; set; }

    /// <summary>
    /// Base address the requests go to instead of <c>https://{namespace}/</c> (a local server in tests,
    /// a private endpoint name). Tokens are still made for the namespace.
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Retry policy, network time-out and transport of the pipeline.</summary>
    public ServiceBusRestClientOptions ClientOptions { get; set; } = new();

    public override string ToString() =>
        $"Service Bus queue '{QueueName}' on '{FullyQualifiedNamespace}' ({(string.IsNullOrEmpty(ConnectionString) ? "managed identity" : "SAS")})";
}
