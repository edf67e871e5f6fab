using QoinHub.Merchant.AzureAdapters.ServiceBus;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>How the Service Bus settings are read (the connection string by the SDK's own parser), and the messages that say what to fix.</summary>
public sealed class ServiceBusTargetTests
{
    private const string Key = "c2VjcmV0LXNhcy1rZXktZm9yLXRlc3RzLW9ubHk9PQ==";

    [Theory]
    [InlineData($"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}")]
    [InlineData($" Endpoint = sb://ns.servicebus.windows.net ; SharedAccessKeyName=send ;SharedAccessKey={Key};EntityPath=payments;")]
    [InlineData($"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};TransportType=AmqpWebSockets")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=z")]
    public void Connection_string_gives_the_namespace_and_is_kept_for_the_client(string connectionString)
    {
        var target = ServiceBusTarget.From(new ServiceBusPublisherOptions { ConnectionString = connectionString, QueueName = "payments" });

        Assert.Equal(("ns.servicebus.windows.net", "payments"), (target.FullyQualifiedNamespace, target.QueueName));
        Assert.Equal(connectionString.Trim(), target.ConnectionString);
        Assert.DoesNotContain(Key, target.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ns.servicebus.windows.net")]
    [InlineData("sb://ns.servicebus.windows.net/")]
    [InlineData("https://ns.servicebus.windows.net")]
    [InlineData(" ns.servicebus.windows.net/ ")]
    public void Namespace_is_read_as_a_host_name_or_a_uri(string fullyQualifiedNamespace)
    {
        var target = ServiceBusTarget.From(new ServiceBusPublisherOptions { FullyQualifiedNamespace = fullyQualifiedNamespace, QueueName = "payments" });

        Assert.Equal("ns.servicebus.windows.net", target.FullyQualifiedNamespace);
        Assert.Null(target.ConnectionString);
    }

    [Theory]
    [InlineData("127.0.0.1:5672")]
    [InlineData("localhost")]
    [InlineData("[::1]:5672")]
    public void Development_emulator_connection_string_reaches_loopback(string host)
    {
        var target = ServiceBusTarget.From(new ServiceBusPublisherOptions
        {
            ConnectionString = $"Endpoint=sb://{host};SharedAccessKeyName=send;SharedAccessKey={Key};UseDevelopmentEmulator=true",
            QueueName = "payments",
        });

        Assert.NotNull(target.ConnectionString);
    }

    [Theory]
    [InlineData("ns.servicebus.windows.net", null, null, "ServiceBus:QueueName is required")]
    [InlineData("ns.servicebus.windows.net", null, "  ", "ServiceBus:QueueName is required")]
    [InlineData(null, $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}", null, "ServiceBus:QueueName is required")]
    [InlineData(null, $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=other", "payments", "names another entity (EntityPath) than ServiceBus:QueueName")]
    [InlineData("other.servicebus.windows.net", $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}", "payments", "differ")]
    [InlineData(null, "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send", "payments", "must name the namespace (Endpoint) and carry SharedAccessKeyName with SharedAccessKey")]
    [InlineData(null, $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey={Key}", "payments", "must name the namespace (Endpoint) and carry SharedAccessKeyName with SharedAccessKey")]
    [InlineData(null, $"SharedAccessKeyName=send;SharedAccessKey={Key}", "payments", "ServiceBus:ConnectionString")]
    [InlineData(null, $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};justtext", "payments", "ServiceBus:ConnectionString cannot be read")]
    [InlineData(null, $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};UseDevelopmentEmulator=true", "payments", "only a loopback address")]
    [InlineData(null, $"Endpoint=sb://10.0.0.8:5672;SharedAccessKeyName=send;SharedAccessKey={Key};UseDevelopmentEmulator=true", "payments", "only a loopback address")]
    [InlineData(null, null, "payments", "Set ServiceBus:FullyQualifiedNamespace")]
    public void Incomplete_settings_are_refused_with_the_setting_to_fix(string? fullyQualifiedNamespace, string? connectionString, string? queueName, string expected)
    {
        var options = new ServiceBusPublisherOptions
        {
            FullyQualifiedNamespace = fullyQualifiedNamespace,
            ConnectionString = connectionString,
            QueueName = queueName,
        };

        var error = Assert.Throws<InvalidOperationException>(() => ServiceBusTarget.From(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }
}
