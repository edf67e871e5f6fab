using Azure.Messaging.ServiceBus;
using QoinHub.OrderConsumer.Processing;

namespace QoinHub.OrderConsumer.Tests;

public sealed class OptionsTests
{
    [Fact]
    public void The_processor_settles_itself_in_peek_lock()
    {
        var options = PaymentNotificationWorker.ProcessorOptionsOf(new OrderConsumerOptions { QueueName = "q", ConnectionString = "x", MaxConcurrentCalls = 8 });

        Assert.Equal(ServiceBusReceiveMode.PeekLock, options.ReceiveMode);
        Assert.False(options.AutoCompleteMessages);
        Assert.Equal(8, options.MaxConcurrentCalls);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MaxAutoLockRenewalDuration);
    }

    [Theory]
    [InlineData(null, null, "q", 1, "FullyQualifiedNamespace")]
    [InlineData("ns.servicebus.windows.net", null, "", 1, "QueueName")]
    [InlineData("ns.servicebus.windows.net", null, "q", 0, "MaxConcurrentCalls")]
    public void Wrong_settings_name_the_setting(string? @namespace, string? connectionString, string queue, int concurrency, string setting)
    {
        var options = new OrderConsumerOptions { FullyQualifiedNamespace = @namespace, ConnectionString = connectionString, QueueName = queue, MaxConcurrentCalls = concurrency };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Contains(setting, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_namespace_alone_gives_a_client_with_a_credential()
    {
        await using var client = OrderConsumerServiceCollectionExtensions.CreateClient(
            new OrderConsumerOptions { FullyQualifiedNamespace = "sb://contoso.servicebus.windows.net/", QueueName = "q" });

        Assert.Equal("contoso.servicebus.windows.net", client.FullyQualifiedNamespace);
    }
}
