namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// The queue and credentials that <see cref="RestPublisherOptions"/> describe, checked once so
/// that a wrong setting stops the app at startup instead of failing the first notification.
/// </summary>
/// <param name="NamespaceHost">e.g. <c>contoso.servicebus.windows.net</c>.</param>
/// <param name="SharedAccessKey">The parsed SAS connection string; <see langword="null"/> for managed identity.</param>
internal sealed record RestServiceBusTarget(string NamespaceHost, string QueueName, ServiceBusConnectionString? SharedAccessKey)
{
    /// <summary>The resource a SAS token is signed for: the queue's URI on the namespace.</summary>
    public string ResourceUri => $"https://{NamespaceHost}/{QueueName}";

    /// <exception cref="InvalidOperationException">Names the setting to fix; never contains the key.</exception>
    public static RestServiceBusTarget From(RestPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);

        var queueName = options.QueueName?.Trim() ?? string.Empty;
        if (queueName.Length == 0)
        {
            throw new InvalidOperationException(
                "ServiceBus:QueueName is required when ServiceBus:FullyQualifiedNamespace or ServiceBus:ConnectionString is set: the queue that receives payment notifications.");
        }

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            ServiceBusConnectionString connection;
            try
            {
                connection = ServiceBusConnectionString.Parse(options.ConnectionString);
            }
            catch (FormatException e)
            {
                throw new InvalidOperationException("ServiceBus:ConnectionString cannot be read: " + e.Message, e);
            }

            if (!string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace)
                && !string.Equals(HostOf(options.FullyQualifiedNamespace), connection.FullyQualifiedNamespace, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"ServiceBus:FullyQualifiedNamespace ({HostOf(options.FullyQualifiedNamespace)}) and the namespace of ServiceBus:ConnectionString ({connection.FullyQualifiedNamespace}) differ: set only one of them.");
            }

            if (connection.EntityPath is not null && !string.Equals(connection.EntityPath, queueName, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    "ServiceBus:ConnectionString names another entity (EntityPath) than ServiceBus:QueueName; make them the same queue.");
            }

            return new RestServiceBusTarget(connection.FullyQualifiedNamespace, queueName, connection);
        }

        if (!string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace))
        {
            return new RestServiceBusTarget(HostOf(options.FullyQualifiedNamespace), queueName, null);
        }

        throw new InvalidOperationException("Set ServiceBus:FullyQualifiedNamespace (managed identity) or ServiceBus:ConnectionString (SAS).");
    }

    /// <summary>Accepts the host name or, leniently, a URI such as <c>sb://contoso.servicebus.windows.net/</c>.</summary>
    private static string HostOf(string fullyQualifiedNamespace)
    {
        var value = fullyQualifiedNamespace.Trim();
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? uri.Host : value.TrimEnd('/');
    }
}
