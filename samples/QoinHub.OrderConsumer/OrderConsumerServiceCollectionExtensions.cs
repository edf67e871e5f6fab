using Azure.Identity;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QoinHub.OrderConsumer.Processing;

namespace QoinHub.OrderConsumer;

public static class OrderConsumerServiceCollectionExtensions
{
    /// <summary>
    /// The consumer: options from the <c>OrderConsumer</c> configuration section (checked at
    /// startup), a <see cref="ServiceBusClient"/>, the message handler and the hosted processor.
    /// Register an <see cref="Orders.IOrderStore"/> as well: the order system's.
    /// </summary>
    public static IServiceCollection AddOrderConsumer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);

        services.AddOptions<OrderConsumerOptions>()
            .BindConfiguration(OrderConsumerOptions.SectionName)
            .Validate(options =>
            {
                options.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => CreateClient(provider.GetRequiredService<IOptions<OrderConsumerOptions>>().Value));
        services.TryAddSingleton<PaymentNotificationConsumer>();
        services.AddHostedService<PaymentNotificationWorker>();
        return services;
    }

    /// <summary>
    /// A connection string when one is set (local runs, the emulator, tests); otherwise the namespace
    /// with <see cref="DefaultAzureCredential"/>: managed identity in Azure, <c>az login</c> (or
    /// Visual Studio, environment variables...) on a workstation. The identity needs the
    /// <em>Azure Service Bus Data Receiver</em> role on the queue or namespace.
    /// </summary>
    public static ServiceBusClient CreateClient(OrderConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();

        var clientOptions = new ServiceBusClientOptions { Identifier = "qoinhub-order-consumer" };
        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new ServiceBusClient(options.ConnectionString, clientOptions);
        }

        var credential = new DefaultAzureCredential(new DefaultAzureCredentialOptions
        {
            ManagedIdentityClientId = string.IsNullOrWhiteSpace(options.ManagedIdentityClientId) ? null : options.ManagedIdentityClientId,
        });
        return new ServiceBusClient(HostOf(options.FullyQualifiedNamespace!), credential, clientOptions);
    }

    /// <summary>Accepts the host name or, leniently, <c>sb://contoso.servicebus.windows.net/</c>.</summary>
    private static string HostOf(string fullyQualifiedNamespace)
    {
        var value = fullyQualifiedNamespace.Trim();
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) && !string.IsNullOrEmpty(uri.Host) ? uri.Host : value.TrimEnd('/');
    }
}
