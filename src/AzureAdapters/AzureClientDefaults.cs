using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace QoinHub.Merchant.AzureAdapters;

/// <summary>What every Azure client of the app shares: one credential and one retry policy.</summary>
public static class AzureClientDefaults
{
    /// <summary>
    /// Registers the one <see cref="TokenCredential"/> every Azure client uses (tables, queue, Key
    /// Vault, Service Bus): a <see cref="DefaultAzureCredential"/> (the managed identity named by
    /// <c>AZURE_CLIENT_ID</c> in Azure), unless a credential was registered before.
    /// </summary>
    public static IServiceCollection AddAzureCredential(this IServiceCollection services)
    {
        services.TryAddSingleton<TokenCredential>(_ => new DefaultAzureCredential());
        return services;
    }

    /// <summary>
    /// A call to Azure made while answering QoinHub is a QoinHub callback waiting too: fail within
    /// seconds and answer 5xx (QoinHub retries) rather than wait for the SDK's defaults (100-second
    /// time-outs). <paramref name="maxRetries"/> tries after the first, each limited to
    /// <paramref name="networkTimeout"/> (10 s when not given), exponential back-off from 200 ms to 2 s.
    /// </summary>
    public static T WithCallbackRetries<T>(this T options, int maxRetries = 2, TimeSpan? networkTimeout = null)
        where T : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = maxRetries;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = networkTimeout ?? TimeSpan.FromSeconds(10);
        return options;
    }
}
