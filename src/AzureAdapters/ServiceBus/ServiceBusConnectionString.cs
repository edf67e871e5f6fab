namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// A Service Bus SAS connection string:
/// <c>Endpoint=sb://{namespace}/;SharedAccessKeyName={name};SharedAccessKey={key}[;EntityPath={queue}]</c>.
/// A class rather than a record so that no generated <c>ToString</c> can print the key.
/// </summary>
internal sealed class ServiceBusConnectionString
{
    private ServiceBusConnectionString(string fullyQualifiedNamespace, string sharedAccessKeyName, string sharedAccessKey, string? entityPath)
    {
        FullyQualifiedNamespace = fullyQualifiedNamespace;
        SharedAccessKeyName = sharedAccessKeyName;
        SharedAccessKey = sharedAccessKey;
        EntityPath = entityPath;
    }

    /// <summary>Host name of the namespace, e.g. <c>contoso.servicebus.windows.net</c>.</summary>
    public string FullyQualifiedNamespace { get; }

    public string SharedAccessKeyName { get; }

    public string SharedAccessKey { get; }

    public string? EntityPath { get; }

    /// <exception cref="FormatException">The string lacks a part or has one that cannot be read; the message names the part, never the key.</exception>
    public static ServiceBusConnectionString Parse(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);

        string? endpoint = null, keyName = null, key = null, entityPath = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Split at the first '=' only: Base64 keys end with '='.
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0)
            {
                throw new FormatException("The Service Bus connection string has a part that is not 'Name=value'.");
            }

            var name = part[..separator].Trim();
            var value = part[(separator + 1)..].Trim();
            switch (name.ToUpperInvariant())
            {
                case "ENDPOINT":
                    endpoint = value;
                    break;
                case "SHAREDACCESSKEYNAME":
                    keyName = value;
                    break;
                case "SHAREDACCESSKEY":
                    key = value;
                    break;
                case "ENTITYPATH":
                    entityPath = value.Length == 0 ? null : value;
                    break;
                case "SHAREDACCESSSIGNATURE":
                    throw new FormatException(
                        "Service Bus connection strings with a ready-made SharedAccessSignature are not supported: use SharedAccessKeyName and SharedAccessKey.");
                default:
                    // Other settings (TransportType, UseDevelopmentEmulator, ...) concern AMQP clients, not the REST API.
                    break;
            }
        }

        if (string.IsNullOrEmpty(endpoint))
        {
            throw new FormatException("The Service Bus connection string has no Endpoint (Endpoint=sb://{namespace}.servicebus.windows.net/).");
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var endpointUri) || string.IsNullOrEmpty(endpointUri.Host))
        {
            throw new FormatException("The Service Bus connection string's Endpoint is not an absolute URI (Endpoint=sb://{namespace}.servicebus.windows.net/).");
        }

        if (string.IsNullOrEmpty(keyName))
        {
            throw new FormatException("The Service Bus connection string has no SharedAccessKeyName.");
        }

        if (string.IsNullOrEmpty(key))
        {
            throw new FormatException("The Service Bus connection string has no SharedAccessKey.");
        }

        return new ServiceBusConnectionString(endpointUri.Host, keyName, key, entityPath);
    }

    public override string ToString() =>
        $"Endpoint=sb://{FullyQualifiedNamespace}/;SharedAccessKeyName={SharedAccessKeyName};SharedAccessKey=***"
        + (EntityPath is null ? string.Empty : ";EntityPath=" + EntityPath);
}
