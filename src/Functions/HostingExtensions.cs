using Microsoft.Extensions.Configuration.Memory;
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

    /// <summary>
    /// ASP.NET Core logs four Information lines for every request (request starting and finished,
    /// endpoint executing and executed), which cost more CPU than verifying the call; by default it
    /// logs warnings and errors only, as the ASP.NET Core templates configure it. This is the lowest
    /// layer of configuration: <c>Logging__LogLevel__Microsoft.AspNetCore</c> (or appsettings) still
    /// turns them back on. The app's own logs are not affected.
    /// </summary>
    public static WebApplicationBuilder UseQuietFrameworkRequestLogs(this WebApplicationBuilder builder)
    {
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("Logging:LogLevel:Microsoft.AspNetCore", nameof(LogLevel.Warning))],
        });
        return builder;
    }

    /// <summary>The merchant's handlers and the Azure adapters of their ports.</summary>
    public static IServiceCollection AddMerchantCallbacksOnAzure(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMerchantCallbacks(configuration).AddAzureAdapters(configuration).AddHostedService<InProcessJobs>();
}
