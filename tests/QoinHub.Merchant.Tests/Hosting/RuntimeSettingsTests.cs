using System.Text.Json.Nodes;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>Runtime settings the app is built with, as the runtime reads them (its runtimeconfig.json).</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void Idle_thread_pool_threads_do_not_spin_for_work()
    {
        var path = Path.Combine(Path.GetDirectoryName(typeof(QoinHub.Merchant.Functions.MerchantWorker).Assembly.Location)!, "QoinHub.Merchant.Functions.runtimeconfig.json");
        var properties = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;

        Assert.Equal(0, properties["System.Threading.ThreadPool.UnfairSemaphoreSpinLimit"]?.GetValue<int>());
    }
}
