using QoinHub.Merchant.AzureAdapters;

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

    /// <summary>The merchant's handlers and the Azure adapters of their ports.</summary>
    public static IServiceCollection AddMerchantCallbacksOnAzure(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMerchantCallbacks(configuration).AddAzureAdapters(configuration).AddHostedService<InProcessJobs>();
}
