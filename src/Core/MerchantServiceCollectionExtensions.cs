using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Health;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Retention;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant;

public static class MerchantServiceCollectionExtensions
{
    /// <summary>
    /// The two SNAP handlers and what they need besides the ports (which an adapter layer
    /// registers): the clock, the <c>Snap</c> settings, the issued-token cache and the delivery flow,
    /// and the health check runner (over the <see cref="IDependencyCheck"/>s the adapters register).
    /// </summary>
    public static IServiceCollection AddMerchantCallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SnapOptions>().Bind(configuration.GetSection(SnapOptions.SectionName)).ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.SectionName)).ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SnapOptions>, SettingsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, SettingsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, SettingsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HealthOptions>, SettingsValidation>());
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<RetentionJob>();
        services.TryAddSingleton<IssuedTokenCache>();
        services.TryAddSingleton<NotificationDelivery>();
        services.TryAddSingleton<AccessTokenHandler>();
        services.TryAddSingleton<DebitNotifyHandler>();
        services.TryAddSingleton<DependencyHealth>();
        return services;
    }
}
