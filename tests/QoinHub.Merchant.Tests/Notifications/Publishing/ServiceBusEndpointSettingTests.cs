using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.AzureAdapters;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary><c>ServiceBus:Endpoint</c>: where the REST sends go instead of <c>https://{namespace}/</c>.</summary>
public sealed class ServiceBusEndpointSettingTests
{
    private const string ConnectionString = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0LXNhcy1rZXktZm9yLXRlc3RzLW9ubHk9PQ==";

    [Theory]
    [InlineData("https://private-ns.example.internal", "https://private-ns.example.internal/payments/messages")]
    [InlineData("https://private-ns.example.internal/prefix/", "https://private-ns.example.internal/prefix/payments/messages")]
    [InlineData("http://127.0.0.1:5299", "http://127.0.0.1:5299/payments/messages")]
    [InlineData("", "https://ns.servicebus.windows.net/payments/messages")]
    public void Endpoint_setting_moves_the_sends(string endpoint, string expected)
    {
        using var provider = Build(endpoint);

        var publisher = Assert.IsType<ServiceBusRestPublisher>(provider.GetRequiredService<INotificationPublisher>());

        Assert.Equal(new Uri(expected), publisher.MessagesUri);
    }

    [Theory]
    [InlineData("http://ns.example.com/")]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("127.0.0.1:5299")]
    [InlineData("https://ns.example.com/?a=b")]
    public void Endpoint_that_is_not_https_or_loopback_http_stops_the_app(string endpoint)
    {
        var error = Assert.Throws<InvalidOperationException>(() => Build(endpoint).Dispose());

        Assert.Contains("ServiceBus:Endpoint", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(string endpoint)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ServiceBus:ConnectionString"] = ConnectionString,
            ["ServiceBus:QueueName"] = "payments",
            ["ServiceBus:Endpoint"] = endpoint,
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddNotificationPublisher(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
