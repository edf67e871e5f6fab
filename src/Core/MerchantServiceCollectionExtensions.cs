using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Retention;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant;

public static class MerchantServiceCollectionExtensions
{
    /// <summary>
    /// The two SNAP handlers and what they need besides the ports (which an adapter layer
    /// registers): the clock, the <c>Snap</c> settings, the issued-token cache and the delivery flow.
    /// </summary>
    public static IServiceCollection AddMerchantCallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SnapOptions>().Bind(configuration.GetSection(SnapOptions.SectionName)).ValidateOnStart();
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.SectionName)).ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(RetentionOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SnapOptions>, SettingsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<OutboxOptions>, SettingsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, SettingsValidation>());
        services.TryAddSingleton<OutboxRelay>();
        services.TryAddSingleton<RetentionJob>();
        services.TryAddSingleton<IssuedTokenCache>();
        services.TryAddSingleton<NotificationDelivery>();
        services.TryAddSingleton<AccessTokenHandler>();
        services.TryAddSingleton<DebitNotifyHandler>();
        return services;
    }
}
