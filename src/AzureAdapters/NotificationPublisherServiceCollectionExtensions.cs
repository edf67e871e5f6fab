using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Health;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.AzureAdapters.StorageQueues;
using QoinHub.Merchant.AzureAdapters.Tables;

namespace QoinHub.Merchant.AzureAdapters;

public static class NotificationPublisherServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="INotificationPublisher"/> that the configuration asks for: the Service
    /// Bus queue when <c>ServiceBus:FullyQualifiedNamespace</c> (managed identity) or
    /// <c>ServiceBus:ConnectionString</c> (SAS) is set, with <c>ServiceBus:QueueName</c>; otherwise the
    /// storage queue <c>LocalQueue:Name</c> on the storage account, reached as
    /// <see cref="StorageOptions.Queues"/> says. Managed identity uses the registered <see cref="TokenCredential"/>.
    /// <c>ServiceBus:Endpoint</c>, when set, is where Service Bus requests go instead of
    /// <c>https://{namespace}/</c> (a private endpoint's name, a local stand-in); plain http only to a loopback address.
    /// The publisher is registered as its own type too, and as the health check of the publish target,
    /// so the check goes exactly where the messages go.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings are incomplete or malformed; the message names the setting.</exception>
    public static IServiceCollection AddNotificationPublisher(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddAzureCredential();
        services.TryAddSingleton(TimeProvider.System);

        var serviceBus = configuration.GetSection("ServiceBus");
        var serviceBusOptions = new ServiceBusPublisherOptions
        {
            FullyQualifiedNamespace = NullIfBlank(serviceBus["FullyQualifiedNamespace"]),
            ConnectionString = NullIfBlank(serviceBus["ConnectionString"]),
            QueueName = NullIfBlank(serviceBus["QueueName"]),
            Endpoint = ServiceBusEndpoint(NullIfBlank(serviceBus["Endpoint"])),
        };

        if (serviceBusOptions.FullyQualifiedNamespace is not null || serviceBusOptions.ConnectionString is not null)
        {
            // Fail at startup, not at the first notification.
            var target = ServiceBusTarget.From(serviceBusOptions);
            services.AddSingleton(provider => new ServiceBusRestPublisher(
                serviceBusOptions,
                target.SharedAccessKey is null ? provider.GetRequiredService<TokenCredential>() : null,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<ServiceBusRestPublisher>>()));
            services.AddSingleton<INotificationPublisher>(provider => provider.GetRequiredService<ServiceBusRestPublisher>());
            services.AddSingleton<IDependencyCheck>(provider => provider.GetRequiredService<ServiceBusRestPublisher>());
            return services;
        }

        var endpoint = (configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions()).Queues;
        var storageOptions = new StorageQueuePublisherOptions
        {
            QueueName = NullIfBlank(configuration["LocalQueue:Name"]) ?? StorageQueuePublisherOptions.DefaultQueueName,
            ConnectionString = endpoint.ConnectionString,
            QueueServiceUri = endpoint.ServiceUri,
        };

        // Builds the client now (it does no I/O) so that a bad queue name or connection string stops startup.
        _ = StorageQueuePublisher.CreateQueueClient(storageOptions, storageOptions.QueueServiceUri is null ? null : PlaceholderCredential.Instance);

        services.AddSingleton(provider => new StorageQueuePublisher(
            storageOptions,
            storageOptions.QueueServiceUri is null ? null : provider.GetRequiredService<TokenCredential>(),
            provider.GetRequiredService<ILogger<StorageQueuePublisher>>()));
        services.AddSingleton<INotificationPublisher>(provider => provider.GetRequiredService<StorageQueuePublisher>());
        services.AddSingleton<IDependencyCheck>(provider => provider.GetRequiredService<StorageQueuePublisher>());
        return services;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The base address of Service Bus requests (the queue's path is added to it), or null for <c>https://{namespace}/</c>.</summary>
    private static Uri? ServiceBusEndpoint(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (!Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback))
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
        {
            throw new InvalidOperationException("ServiceBus:Endpoint must be an absolute https:// URI without query (plain http:// only to a loopback address).");
        }

        return uri;
    }

    /// <summary>Lets the startup check build a client without resolving the real credential; it is never asked for a token.</summary>
    private sealed class PlaceholderCredential : TokenCredential
    {
        public static readonly PlaceholderCredential Instance = new();

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The startup check's credential must not be used.");

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The startup check's credential must not be used.");
    }
}
