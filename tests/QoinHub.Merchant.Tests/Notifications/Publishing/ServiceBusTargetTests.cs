using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.AzureAdapters.StorageQueues;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>How the Service Bus settings are read, and the messages that say what to fix.</summary>
public sealed class ServiceBusTargetTests
{
    private const string Key = "c2VjcmV0LXNhcy1rZXktZm9yLXRlc3RzLW9ubHk9PQ==";

    [Theory]
    [InlineData($"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}", "ns.servicebus.windows.net", "send", null)]
    [InlineData($" endpoint = sb://ns.servicebus.windows.net ; sharedaccesskeyname=send ;SHAREDACCESSKEY={Key};EntityPath=payments;", "ns.servicebus.windows.net", "send", "payments")]
    [InlineData($"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};TransportType=AmqpWebSockets", "ns.servicebus.windows.net", "send", null)]
    public void Connection_string_is_read_with_a_key_ending_in_equals_signs(string connectionString, string host, string keyName, string? entityPath)
    {
        var parsed = ServiceBusConnectionString.Parse(connectionString);

        Assert.Equal(host, parsed.FullyQualifiedNamespace);
        Assert.Equal(keyName, parsed.SharedAccessKeyName);
        Assert.Equal(Key, parsed.SharedAccessKey);
        Assert.Equal(entityPath, parsed.EntityPath);
        Assert.DoesNotContain(Key, parsed.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData($"SharedAccessKeyName=send;SharedAccessKey={Key}", "no Endpoint")]
    [InlineData($"Endpoint=ns.servicebus.windows.net;SharedAccessKeyName=send;SharedAccessKey={Key}", "not an absolute URI")]
    [InlineData($"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey={Key}", "no SharedAccessKeyName")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send", "no SharedAccessKey")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=", "no SharedAccessKey")]
    [InlineData($"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};justtext", "not 'Name=value'")]
    [InlineData("Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=z", "not supported")]
    public void Malformed_connection_string_is_refused_naming_the_part_but_not_the_key(string connectionString, string expected)
    {
        var error = Assert.Throws<FormatException>(() => ServiceBusConnectionString.Parse(connectionString));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Connection_string_gives_the_namespace_queue_and_key()
    {
        var target = ServiceBusTarget.From(new ServiceBusPublisherOptions
        {
            ConnectionString = $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=payments",
            QueueName = "payments",
        });

        Assert.Equal("ns.servicebus.windows.net", target.NamespaceHost);
        Assert.Equal("https://ns.servicebus.windows.net/payments", target.ResourceUri);
        Assert.NotNull(target.SharedAccessKey);
    }

    [Theory]
    [InlineData("ns.servicebus.windows.net")]
    [InlineData("sb://ns.servicebus.windows.net/")]
    [InlineData("https://ns.servicebus.windows.net")]
    [InlineData(" ns.servicebus.windows.net/ ")]
    public void Namespace_is_read_as_a_host_name_or_a_uri(string fullyQualifiedNamespace)
    {
        var target = ServiceBusTarget.From(new ServiceBusPublisherOptions { FullyQualifiedNamespace = fullyQualifiedNamespace, QueueName = "payments" });

        Assert.Equal("ns.servicebus.windows.net", target.NamespaceHost);
        Assert.Null(target.SharedAccessKey);
    }

    [Theory]
    [InlineData("ns.servicebus.windows.net", null, null, "ServiceBus:QueueName is required")]
    [InlineData("ns.servicebus.windows.net", null, "  ", "ServiceBus:QueueName is required")]
    [InlineData(null, $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}", null, "ServiceBus:QueueName is required")]
    [InlineData(null, $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=other", "payments", "names another entity (EntityPath) than ServiceBus:QueueName")]
    [InlineData("other.servicebus.windows.net", $"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}", "payments", "differ")]
    [InlineData(null, "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send", "payments", "ServiceBus:ConnectionString cannot be read")]
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
