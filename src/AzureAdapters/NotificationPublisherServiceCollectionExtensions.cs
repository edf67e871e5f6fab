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
    /// Bus queue when <c>ServiceBus:FullyQualifiedNamespace</c> (managed identity, the registered
    /// <see cref="TokenCredential"/>) or <c>ServiceBus:ConnectionString</c> (local runs and tests) is
    /// set, with <c>ServiceBus:QueueName</c>; otherwise the storage queue <c>LocalQueue:Name</c> on the
    /// storage account, reached as <see cref="StorageOptions.Queues"/> says. <c>ServiceBus:TryTimeout</c>,
    /// <c>ServiceBus:MaxRetries</c> and <c>ServiceBus:PublishTimeout</c> override the publish limits.
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
        };

        if (serviceBusOptions.FullyQualifiedNamespace is not null || serviceBusOptions.ConnectionString is not null)
        {
            ReadLimits(serviceBus, serviceBusOptions);

            // Fail at start-up, not at the first notification.
            var target = ServiceBusTarget.From(serviceBusOptions);
            services.AddSingleton(provider => new ServiceBusPublisher(
                serviceBusOptions,
                target.ConnectionString is null ? provider.GetRequiredService<TokenCredential>() : null,
                provider.GetRequiredService<ILogger<ServiceBusPublisher>>()));
            services.AddSingleton<INotificationPublisher>(provider => provider.GetRequiredService<ServiceBusPublisher>());
            services.AddSingleton<IDependencyCheck>(provider => provider.GetRequiredService<ServiceBusPublisher>());
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

    /// <summary>The publish limits, when set; each must leave one publish inside the time QoinHub waits.</summary>
    private static void ReadLimits(IConfigurationSection serviceBus, ServiceBusPublisherOptions options)
    {
        options.TryTimeout = Duration(serviceBus, "TryTimeout", options.TryTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30));
        options.PublishTimeout = Duration(serviceBus, "PublishTimeout", options.PublishTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(60));
        if (NullIfBlank(serviceBus["MaxRetries"]) is { } retries)
        {
            options.MaxRetries = int.TryParse(retries, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value <= 10
                ? value
                : throw new InvalidOperationException($"ServiceBus:MaxRetries must be a whole number from 0 to 10, not '{retries}'.");
        }
    }

    private static TimeSpan Duration(IConfigurationSection section, string key, TimeSpan fallback, TimeSpan minimum, TimeSpan maximum)
    {
        if (NullIfBlank(section[key]) is not { } text)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= minimum && value <= maximum
            ? value
            : throw new InvalidOperationException($"ServiceBus:{key} must be a time span (hh:mm:ss) from {minimum} to {maximum}, not '{text}'.");
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
