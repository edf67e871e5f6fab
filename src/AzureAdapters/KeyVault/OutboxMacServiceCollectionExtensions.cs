using System.Globalization;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QoinHub.Merchant.AzureAdapters.KeyVault;

public static class OutboxMacServiceCollectionExtensions
{
    /// <summary>
    /// Registers the outbox MAC keys (<see cref="IOutboxMacKeys"/>): from Key Vault
    /// (<see cref="KeyVaultOutboxMacKeys"/>) when <c>KeyVault:Uri</c> is set, otherwise from
    /// <c>Outbox:MacKeys</c> (<see cref="ConfigurationOutboxMacKeys"/>). Unless registered before.
    /// </summary>
    /// <exception cref="OptionsValidationException">The <c>Outbox:Mac*</c> settings are missing or malformed; thrown here so that the app does not start.</exception>
    public static IServiceCollection AddOutboxMacKeys(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(IOutboxMacKeys)))
        {
            return services;
        }

        var keyVault = configuration["KeyVault:Uri"] is { Length: > 0 } uriText && Uri.TryCreate(uriText.Trim(), UriKind.Absolute, out var vaultUri) ? vaultUri : null;
        var settings = OutboxMacSettings.Read(configuration, keysInConfiguration: keyVault is null);
        if (keyVault is null)
        {
            services.AddSingleton<IOutboxMacKeys>(new ConfigurationOutboxMacKeys(settings));
            return services;
        }

        var refreshInterval = TimeSpan.TryParse(configuration["KeyVault:RefreshInterval"], CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero
            ? interval
            : KeyVaultOptions.DefaultRefreshInterval;
        services.AddAzureCredential();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new SecretClient(keyVault, provider.GetRequiredService<TokenCredential>(), new SecretClientOptions().WithCallbackRetries()));
        services.AddSingleton<IOutboxMacKeys>(provider => new KeyVaultOutboxMacKeys(
            provider.GetRequiredService<SecretClient>(),
            settings,
            refreshInterval,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<KeyVaultOutboxMacKeys>>()));
        return services;
    }
}
