using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.AzureAdapters.Tables;

namespace QoinHub.Merchant.AzureAdapters;

public static class AzureAdaptersServiceCollectionExtensions
{
    /// <summary>
    /// Registers an Azure adapter for each of the merchant's ports: the token store and ledger on
    /// Table Storage, the partner directory (configuration, or Key Vault when <c>KeyVault:Uri</c> is
    /// set) and the notification publisher (Service Bus, or the Storage queue locally), all on one
    /// <see cref="Azure.Core.TokenCredential"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">A setting is missing or malformed; the message names it.</exception>
    public static IServiceCollection AddAzureAdapters(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAzureCredential();
        services.AddTableStorage(configuration);
        services.AddPartnerDirectory(configuration);
        services.AddNotificationPublisher(configuration);
        return services;
    }
}
