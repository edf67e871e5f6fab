using System.Net;
using Azure.Messaging.ServiceBus;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// The queue and credentials that <see cref="ServiceBusPublisherOptions"/> describe, checked once so
/// that a wrong setting stops the app at start-up instead of failing the first notification. The
/// connection string is read by the SDK's own parser.
/// </summary>
/// <param name="FullyQualifiedNamespace">e.g. <c>contoso.servicebus.windows.net</c>.</param>
/// <param name="ConnectionString">The connection string to build the client with; <see langword="null"/> for managed identity.</param>
internal sealed record ServiceBusTarget(string FullyQualifiedNamespace, string QueueName, string? ConnectionString)
{
    /// <exception cref="InvalidOperationException">Names the setting to fix; never contains the key.</exception>
    public static ServiceBusTarget From(ServiceBusPublisherOptions options)
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
            var connectionString = options.ConnectionString.Trim();
            ServiceBusConnectionStringProperties connection;
            try
            {
                connection = ServiceBusConnectionStringProperties.Parse(connectionString);
            }
            catch (FormatException)
            {
                throw new InvalidOperationException("ServiceBus:ConnectionString cannot be read: expected Endpoint=sb://<namespace>/;SharedAccessKeyName=<name>;SharedAccessKey=<key>.");
            }

            if (string.IsNullOrEmpty(connection.FullyQualifiedNamespace)
                || (string.IsNullOrEmpty(connection.SharedAccessSignature) && (string.IsNullOrEmpty(connection.SharedAccessKeyName) || string.IsNullOrEmpty(connection.SharedAccessKey))))
            {
                throw new InvalidOperationException(
                    "ServiceBus:ConnectionString must name the namespace (Endpoint) and carry SharedAccessKeyName with SharedAccessKey, or a SharedAccessSignature.");
            }

            if (UsesDevelopmentEmulator(connectionString) && !IsLoopback(connection.FullyQualifiedNamespace))
            {
                throw new InvalidOperationException(
                    $"ServiceBus:ConnectionString has UseDevelopmentEmulator=true (plain, unencrypted AMQP) for '{connection.FullyQualifiedNamespace}': only a loopback address may be reached that way.");
            }

            if (!string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace)
                && !string.Equals(HostOf(options.FullyQualifiedNamespace), connection.FullyQualifiedNamespace, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"ServiceBus:FullyQualifiedNamespace ({HostOf(options.FullyQualifiedNamespace)}) and the namespace of ServiceBus:ConnectionString ({connection.FullyQualifiedNamespace}) differ: set only one of them.");
            }

            if (!string.IsNullOrEmpty(connection.EntityPath) && !string.Equals(connection.EntityPath, queueName, StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    "ServiceBus:ConnectionString names another entity (EntityPath) than ServiceBus:QueueName; make them the same queue.");
            }

            return new ServiceBusTarget(connection.FullyQualifiedNamespace, queueName, connectionString);
        }

        if (!string.IsNullOrWhiteSpace(options.FullyQualifiedNamespace))
        {
            return new ServiceBusTarget(HostOf(options.FullyQualifiedNamespace), queueName, null);
        }

        throw new InvalidOperationException("Set ServiceBus:FullyQualifiedNamespace (managed identity) or ServiceBus:ConnectionString (local runs and tests).");
    }

    /// <summary>Names the namespace, the queue and how the app signs in; never the connection string, which carries a key.</summary>
    public override string ToString() =>
        $"{FullyQualifiedNamespace}/{QueueName} ({(ConnectionString is null ? "managed identity" : "connection string")})";

    /// <summary>Accepts the host name or, leniently, a URI such as <c>sb://contoso.servicebus.windows.net/</c>.</summary>
    private static string HostOf(string fullyQualifiedNamespace)
    {
        var value = fullyQualifiedNamespace.Trim();
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? uri.Host : value.TrimEnd('/');
    }

    private static bool UsesDevelopmentEmulator(string connectionString) =>
        connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2, StringSplitOptions.TrimEntries))
            .Any(pair => pair.Length == 2
                && pair[0].Equals("UseDevelopmentEmulator", StringComparison.OrdinalIgnoreCase)
                && pair[1].Equals("true", StringComparison.OrdinalIgnoreCase));

    private static bool IsLoopback(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
}
