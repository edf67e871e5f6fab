using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Partners;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Storage;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Functions;

public static class HostingExtensions
{
    /// <summary>
    /// Under the Azure Functions host (custom handler) the app must listen on loopback at
    /// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>; on its own it uses the usual ASPNETCORE_URLS / --urls.
    /// </summary>
    public static WebApplicationBuilder UseCustomHandlerPortWhenHosted(this WebApplicationBuilder builder)
    {
        var port = builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"];
        if (!string.IsNullOrEmpty(port))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        }

        return builder;
    }

    public static IServiceCollection AddMerchantCallbacks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddOptions<SnapOptions>().Bind(configuration.GetSection(SnapOptions.SectionName));
        services.AddTableStorage(configuration);
        services.AddPartnerDirectory(configuration);
        services.AddNotificationPublisher(configuration);
        services.AddSingleton<TokenValidator>();
        services.AddSingleton<AccessTokenHandler>();
        services.AddSingleton<DebitNotifyHandler>();
        return services;
    }
}
