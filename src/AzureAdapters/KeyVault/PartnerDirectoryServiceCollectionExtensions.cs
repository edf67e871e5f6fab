using Azure.Core;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.AzureAdapters.KeyVault;

public static class PartnerDirectoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IPartnerDirectory"/> as a singleton: <see cref="KeyVaultPartnerDirectory"/> when
    /// <c>KeyVault:Uri</c> is set (with a <see cref="SecretClient"/> on the registered <see cref="TokenCredential"/>,
    /// unless one is registered already, a background warm-up of its cache and a health check), otherwise
    /// <see cref="ConfigurationPartnerDirectory"/>.
    /// </summary>
    /// <exception cref="OptionsValidationException">
    /// The <c>Partners</c> or <c>KeyVault</c> settings are wrong; the message names every bad setting.
    /// Thrown here, not on first use, so that a misconfigured app does not start.
    /// </exception>
    public static IServiceCollection AddPartnerDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        var failures = new List<string>();
        var options = PartnerDirectoryOptions.Read(configuration, failures);
        services.TryAddSingleton(TimeProvider.System);
        services.AddAzureCredential();

        if (options.KeyVault is not { } keyVault)
        {
            // Relative key file paths are relative to the content root, which the host puts in configuration.
            var baseDirectory = configuration[HostDefaults.ContentRootKey] is { Length: > 0 } contentRoot ? contentRoot : Environment.CurrentDirectory;
            var directory = ConfigurationPartnerDirectory.Create(options.Partners, baseDirectory, failures);
            if (failures.Count > 0)
            {
                directory.Dispose();
                throw PartnerDirectoryOptions.Invalid(failures);
            }

            // A factory (not an instance) registration, so that the container disposes the keys.
            services.AddSingleton<IPartnerDirectory>(_ => directory);
            return services;
        }

        if (failures.Count > 0)
        {
            throw PartnerDirectoryOptions.Invalid(failures);
        }

        services.TryAddSingleton(provider => new SecretClient(
            keyVault.VaultUri,
            provider.GetRequiredService<TokenCredential>(),
            new SecretClientOptions().WithCallbackRetries()));
        services.AddSingleton(provider => new KeyVaultPartnerDirectory(
            provider.GetRequiredService<SecretClient>(),
            options.Partners,
            keyVault.RefreshInterval,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<KeyVaultPartnerDirectory>>()));
        services.AddSingleton<IPartnerDirectory>(provider => provider.GetRequiredService<KeyVaultPartnerDirectory>());
        services.AddHostedService<PartnerDirectoryWarmUp>();
        var probedSecret = PartnerSecretNames.For(options.Partners[0].ClientId).PublicKeys;
        services.AddSingleton<IDependencyCheck>(provider => new KeyVaultHealthCheck(provider.GetRequiredService<SecretClient>(), probedSecret));
        return services;
    }
}
