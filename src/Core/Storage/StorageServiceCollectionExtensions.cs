using Azure.Data.Tables;
using Azure.Identity;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// The token store and the notification ledger on Table Storage: a connection string (Azurite by default) or, when
    /// <c>Storage:TableServiceUri</c> is set, the table endpoint with <see cref="DefaultAzureCredential"/>.
    /// </summary>
    public static IServiceCollection AddTableStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clientOptions = new TableClientOptions();
            clientOptions.Retry.MaxRetries = 2;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
            clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(2);
            clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
            return options.TableServiceUri is { } uri
                ? new TableServiceClient(uri, new DefaultAzureCredential(), clientOptions)
                : new TableServiceClient(options.EffectiveConnectionString, clientOptions);
        });
        services.TryAddKeyedSingleton<TableHandle>(StorageOptions.TokenTableKey, (provider, _) =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new TableHandle(provider.GetRequiredService<TableServiceClient>().GetTableClient(options.TokenTable));
        });
        services.TryAddSingleton<ITokenStore>(provider =>
            new TableTokenStore(provider.GetRequiredKeyedService<TableHandle>(StorageOptions.TokenTableKey)));
        services.TryAddKeyedSingleton<TableHandle>(StorageOptions.NotificationTableKey, (provider, _) =>
        {
            var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
            return new TableHandle(provider.GetRequiredService<TableServiceClient>().GetTableClient(options.NotificationTable));
        });
        services.TryAddSingleton<INotificationLedger>(provider =>
            new TableNotificationLedger(provider.GetRequiredKeyedService<TableHandle>(StorageOptions.NotificationTableKey)));
        return services;
    }
}
