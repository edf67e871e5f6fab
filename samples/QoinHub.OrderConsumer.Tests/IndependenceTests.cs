using QoinHub.OrderConsumer.Processing;

namespace QoinHub.OrderConsumer.Tests;

public sealed class IndependenceTests
{
    [Fact]
    public void The_sample_uses_no_assembly_of_the_merchant_app()
    {
        // An order system copies the sample on its own: nothing under src/ (or the test library) may come along.
        var referenced = typeof(PaymentNotificationConsumer).Assembly.GetReferencedAssemblies().Select(a => a.Name!).ToList();

        Assert.DoesNotContain(referenced, name => name.StartsWith("QoinHub.", StringComparison.Ordinal));
        Assert.Contains("Azure.Messaging.ServiceBus", referenced);
    }
}
