using Azure.Storage.Queues;

namespace QoinHub.Merchant.AzureAdapters.StorageQueues;

/// <summary>
/// Where <see cref="StorageQueuePublisher"/> sends: a connection string (Azurite locally) or, when
/// none is set, <see cref="QueueServiceUri"/> with managed identity.
/// </summary>
public sealed class StorageQueuePublisherOptions
{
    public const string DefaultQueueName = "payment-notifications";

    public const string DevelopmentStorageConnectionString = "UseDevelopmentStorage=true";

    /// <summary><c>LocalQueue:Name</c>.</summary>
    public string QueueName { get; set; } = DefaultQueueName;

    /// <summary><c>Storage:ConnectionString</c>; wins over <see cref="QueueServiceUri"/>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary><c>Storage:QueueServiceUri</c>, e.g. <c>https://{account}.queue.core.windows.net/</c>, used with a token credential.</summary>
    public Uri? QueueServiceUri { get; set; }

    /// <summary>
    /// Adjusts the client options (retries, transport, extra policies) before the publisher fixes the
    /// service version and the Base64 message encoding, which it always sets itself.
    /// </summary>
    public Action<QueueClientOptions>? ConfigureClientOptions { get; set; }

    public override string ToString() =>
        $"Storage queue '{QueueName}' ({(string.IsNullOrWhiteSpace(ConnectionString) ? QueueServiceUri?.ToString() ?? "no account" : "connection string")})";
}
