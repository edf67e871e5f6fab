using Azure.Core;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.AzureAdapters.Tables;

public static class TableStorageServiceCollectionExtensions
{
    /// <summary>Service key of the <see cref="LazyTable"/> for issued tokens.</summary>
    public const string TokenTableKey = "tokens";

    /// <summary>Service key of the <see cref="LazyTable"/> for the notification ledger.</summary>
    public const string NotificationTableKey = "notifications";

    /// <summary>The largest body whose envelope (body plus at most a few KiB of headers and fields) a ledger record holds.</summary>
    public const int MaxBodyBytesTheLedgerHolds = TableNotificationLedger.MaxEnvelopeBytes - (16 * 1024);

    /// <summary>
    /// The token store and the notification ledger on Table Storage, reached as
    /// <see cref="StorageOptions.Tables"/> says (service URI with the registered
    /// <see cref="TokenCredential"/>, else connection string, else Azurite), and their health check;
    /// with the outbox MAC keys the ledger signs and verifies its records with
    /// (<see cref="KeyVault.OutboxMacServiceCollectionExtensions.AddOutboxMacKeys"/>).
    /// </summary>
    public static IServiceCollection AddTableStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        // A verified notification must always fit its outbox record: refuse a body limit the ledger cannot hold.
        var maxBodyBytes = configuration.GetSection(SnapOptions.SectionName).Get<SnapOptions>()?.MaxBodyBytes ?? new SnapOptions().MaxBodyBytes;
        if (maxBodyBytes > MaxBodyBytesTheLedgerHolds)
        {
            throw new InvalidOperationException(
                $"Snap:MaxBodyBytes is larger than a ledger record can hold; keep it at most {MaxBodyBytesTheLedgerHolds} bytes.");
        }

        services.AddAzureCredential();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        services.TryAddSingleton(provider =>
        {
            var endpoint = provider.GetRequiredService<IOptions<StorageOptions>>().Value.Tables;
            var clientOptions = new TableClientOptions().WithCallbackRetries();
            return endpoint.ServiceUri is { } uri
                ? new TableServiceClient(uri, provider.GetRequiredService<TokenCredential>(), clientOptions)
                : new TableServiceClient(endpoint.ConnectionString, clientOptions);
        });
        services.TryAddKeyedSingleton<LazyTable>(TokenTableKey, (provider, _) => Table(provider, options => options.TokenTable));
        services.TryAddKeyedSingleton<LazyTable>(NotificationTableKey, (provider, _) => Table(provider, options => options.NotificationTable));
        services.TryAddSingleton<ITokenStore>(provider => new TableTokenStore(provider.GetRequiredKeyedService<LazyTable>(TokenTableKey)));
        services.AddOutboxMacKeys(configuration);
        services.TryAddSingleton<INotificationLedger>(provider => new TableNotificationLedger(
            provider.GetRequiredKeyedService<LazyTable>(NotificationTableKey), provider.GetRequiredService<IOutboxMacKeys>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IDependencyCheck, TableHealthCheck>(provider => new TableHealthCheck(
            provider.GetRequiredKeyedService<LazyTable>(TokenTableKey),
            provider.GetRequiredKeyedService<LazyTable>(NotificationTableKey))));
        return services;
    }

    /// <summary>A table of the app's storage account, whose warnings name the setting that says where the account is.</summary>
    private static LazyTable Table(IServiceProvider provider, Func<StorageOptions, string> name)
    {
        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        var setting = options.TableServiceUri is not null ? "Storage__TableServiceUri" : "Storage__ConnectionString";
        return new LazyTable(
            provider.GetRequiredService<TableServiceClient>().GetTableClient(name(options)),
            provider.GetService<ILogger<LazyTable>>(),
            setting);
    }
}
