using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using QoinHub.Merchant.Functions;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>The worker built as Program.cs builds it, with the given settings, and not started: for checks of the composition and its start-up validation.</summary>
internal static class AppComposition
{
    public static IHost Build(IEnumerable<KeyValuePair<string, string?>> settings)
    {
        InProcessWorker.PrepareProcess();
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMerchantWorker();
        return builder.Build();
    }
}
