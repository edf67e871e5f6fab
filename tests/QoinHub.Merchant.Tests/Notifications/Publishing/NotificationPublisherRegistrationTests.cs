using Azure.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using QoinHub.Merchant.AzureAdapters;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.AzureAdapters.StorageQueues;
using QoinHub.Merchant.AzureAdapters.Tables;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>Which publisher the app gets for which settings, and settings that stop it at startup.</summary>
public sealed class NotificationPublisherRegistrationTests
{
    private const string Key = "c2VjcmV0LXNhcy1rZXktZm9yLXRlc3RzLW9ubHk9PQ==";

    [Fact]
    public async Task Namespace_and_queue_give_the_service_bus_publisher_with_the_registered_credential()
    {
        var credential = new RecordingTokenCredential("unused");
        await using var provider = Build(
            new() { ["ServiceBus:FullyQualifiedNamespace"] = "ns.servicebus.windows.net", ["ServiceBus:QueueName"] = "payments" },
            services => services.AddSingleton<TokenCredential>(credential));

        var publisher = Assert.IsType<ServiceBusPublisher>(provider.GetRequiredService<INotificationPublisher>());

        Assert.Equal(("ns.servicebus.windows.net", "payments"), (publisher.FullyQualifiedNamespace, publisher.QueueName));
        Assert.Same(publisher, provider.GetRequiredService<QoinHub.Merchant.Health.IDependencyCheck>());
        Assert.Same(credential, provider.GetRequiredService<TokenCredential>());
        Assert.Same(publisher, provider.GetRequiredService<INotificationPublisher>());
    }

    [Fact]
    public async Task Namespace_without_a_registered_credential_uses_the_default_azure_credential()
    {
        await using var provider = Build(new() { ["ServiceBus:FullyQualifiedNamespace"] = "ns.servicebus.windows.net", ["ServiceBus:QueueName"] = "payments" });

        Assert.IsType<ServiceBusPublisher>(provider.GetRequiredService<INotificationPublisher>());
        Assert.IsType<Azure.Identity.DefaultAzureCredential>(provider.GetRequiredService<TokenCredential>());
    }

    [Fact]
    public async Task Connection_string_and_queue_give_the_service_bus_publisher_without_a_credential()
    {
        var credentialResolved = false;
        await using var provider = Build(
            new()
            {
                ["ServiceBus:ConnectionString"] = $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}",
                ["ServiceBus:QueueName"] = "payments",
            },
            services => services.AddSingleton<TokenCredential>(_ => { credentialResolved = true; return new RecordingTokenCredential("unused"); }));

        var publisher = Assert.IsType<ServiceBusPublisher>(provider.GetRequiredService<INotificationPublisher>());

        Assert.Equal(("ns.servicebus.windows.net", "payments"), (publisher.FullyQualifiedNamespace, publisher.QueueName));
        Assert.False(credentialResolved);
    }

    [Fact]
    public async Task Publish_limits_come_from_the_settings_and_default_to_fit_inside_QoinHubs_wait()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ServiceBus:ConnectionString"] = $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}",
            ["ServiceBus:QueueName"] = "payments",
        };
        await using (var defaults = Build(settings))
        {
            var publisher = defaults.GetRequiredService<ServiceBusPublisher>();
            Assert.Equal((TimeSpan.FromSeconds(5), 2, TimeSpan.FromSeconds(20)), (publisher.TryTimeout, publisher.MaxRetries, publisher.PublishTimeout));
        }

        settings["ServiceBus:TryTimeout"] = "00:00:03";
        settings["ServiceBus:MaxRetries"] = "0";
        settings["ServiceBus:PublishTimeout"] = "00:00:08";
        await using var configured = Build(settings);
        var limited = configured.GetRequiredService<ServiceBusPublisher>();
        Assert.Equal((TimeSpan.FromSeconds(3), 0, TimeSpan.FromSeconds(8)), (limited.TryTimeout, limited.MaxRetries, limited.PublishTimeout));
    }

    [Theory]
    [InlineData("ServiceBus:FullyQualifiedNamespace", "ns.servicebus.windows.net", "ServiceBus:QueueName is required")]
    [InlineData("ServiceBus:ConnectionString", $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}", "ServiceBus:QueueName is required")]
    [InlineData("ServiceBus:TryTimeout", "5", "ServiceBus:TryTimeout must be a time span (hh:mm:ss) from 00:00:00.1000000 to 00:00:30")]
    [InlineData("ServiceBus:TryTimeout", "00:05:00", "ServiceBus:TryTimeout must be a time span")]
    [InlineData("ServiceBus:PublishTimeout", "00:00:00", "ServiceBus:PublishTimeout must be a time span")]
    [InlineData("ServiceBus:MaxRetries", "-1", "ServiceBus:MaxRetries must be a whole number from 0 to 10")]
    [InlineData("ServiceBus:MaxRetries", "11", "ServiceBus:MaxRetries must be a whole number from 0 to 10")]
    [InlineData("LocalQueue:Name", "Payment_Notifications", "LocalQueue:Name is not a valid storage queue name")]
    [InlineData("LocalQueue:Name", "pn", "is not a valid storage queue name")]
    [InlineData("LocalQueue:Name", "payment--notifications", "is not a valid storage queue name")]
    [InlineData("Storage:QueueServiceUri", "queue.core.windows.net", "Storage:QueueServiceUri is not an absolute URI")]
    public void Bad_settings_stop_the_app_at_registration(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?> { [key] = value };
        if (key is "ServiceBus:TryTimeout" or "ServiceBus:PublishTimeout" or "ServiceBus:MaxRetries")
        {
            settings["ServiceBus:FullyQualifiedNamespace"] = "ns.servicebus.windows.net";
            settings["ServiceBus:QueueName"] = "payments";
        }

        var error = Assert.Throws<InvalidOperationException>(() => Build(settings).Dispose());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_service_bus_connection_string_stops_the_app_without_echoing_the_key()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(new()
        {
            ["ServiceBus:ConnectionString"] = $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey={Key}",
            ["ServiceBus:QueueName"] = "payments",
        }).Dispose());

        Assert.Contains("ServiceBus:ConnectionString must name the namespace (Endpoint) and carry SharedAccessKeyName", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_service_bus_settings_the_storage_queue_on_the_local_emulator_is_used()
    {
        var credentialResolved = false;
        using var provider = Build(
            new() { ["ServiceBus:FullyQualifiedNamespace"] = " ", ["ServiceBus:ConnectionString"] = "" },
            services => services.AddSingleton<TokenCredential>(_ => { credentialResolved = true; return new RecordingTokenCredential("unused"); }));

        var publisher = Assert.IsType<StorageQueuePublisher>(provider.GetRequiredService<INotificationPublisher>());

        Assert.Equal(new Uri("http://127.0.0.1:10001/devstoreaccount1/payment-notifications"), publisher.QueueUri);
        Assert.False(credentialResolved);
    }

    [Fact]
    public void Storage_connection_string_and_queue_name_are_honoured()
    {
        using var provider = Build(new()
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:12345/devstoreaccount1;",
            ["LocalQueue:Name"] = "merchant-orders",
        });

        var publisher = Assert.IsType<StorageQueuePublisher>(provider.GetRequiredService<INotificationPublisher>());

        Assert.Equal(new Uri("http://127.0.0.1:12345/devstoreaccount1/merchant-orders"), publisher.QueueUri);
    }

    [Fact]
    public void Queue_service_uri_wins_over_the_connection_string_as_it_does_for_tables()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:ConnectionString"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;QueueEndpoint=http://127.0.0.1:12345/devstoreaccount1;TableEndpoint=http://127.0.0.1:12346/devstoreaccount1;",
            ["Storage:QueueServiceUri"] = "https://acct.queue.core.windows.net/",
            ["Storage:TableServiceUri"] = "https://acct.table.core.windows.net/",
        };
        using var provider = Build(settings);
        var storage = new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(StorageOptions.SectionName).Get<StorageOptions>()!;

        var publisher = Assert.IsType<StorageQueuePublisher>(provider.GetRequiredService<INotificationPublisher>());

        Assert.Equal(new Uri("https://acct.queue.core.windows.net/payment-notifications"), publisher.QueueUri);
        Assert.Equal(new Uri("https://acct.table.core.windows.net/"), storage.Tables.ServiceUri);
        Assert.Null(storage.Tables.ConnectionString);
        Assert.Null(storage.Queues.ConnectionString);
    }

    [Fact]
    public void Queue_service_uri_uses_managed_identity()
    {
        using var provider = Build(new() { ["Storage:QueueServiceUri"] = "https://acct.queue.core.windows.net/" });

        var publisher = Assert.IsType<StorageQueuePublisher>(provider.GetRequiredService<INotificationPublisher>());

        Assert.Equal(new Uri("https://acct.queue.core.windows.net/payment-notifications"), publisher.QueueUri);
        Assert.IsType<Azure.Identity.DefaultAzureCredential>(provider.GetRequiredService<TokenCredential>());
    }

    [Fact]
    public void Clock_registered_earlier_is_kept()
    {
        var clock = new FakeTimeProvider();
        using var provider = Build(new(), services => services.AddSingleton<TimeProvider>(clock));

        Assert.Same(clock, provider.GetRequiredService<TimeProvider>());
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        before?.Invoke(services);
        services.AddNotificationPublisher(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
