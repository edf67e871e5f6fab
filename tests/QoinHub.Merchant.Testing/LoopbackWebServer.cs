using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QoinHub.Merchant.Testing;

/// <summary>
/// A stand-in server for a test: a slim ASP.NET Core app on Kestrel at 127.0.0.1, on a port the
/// system picks, with no logging. What it answers is up to the caller; disposing stops it.
/// </summary>
public sealed class LoopbackWebServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LoopbackWebServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>Scheme, 127.0.0.1 and the port, ending in <c>/</c>.</summary>
    public Uri BaseAddress { get; }

    public int Port => BaseAddress.Port;

    /// <summary>Starts a server that hands every request to <paramref name="handler"/>.</summary>
    public static Task<LoopbackWebServer> StartAsync(RequestDelegate handler, Action<ListenOptions>? listen = null) =>
        StartAsync(app => app.Run(handler), listen);

    /// <summary>
    /// Starts a server whose requests <paramref name="map"/> routes; <paramref name="listen"/> may
    /// configure the listener (HTTPS, for one).
    /// </summary>
    public static async Task<LoopbackWebServer> StartAsync(Action<WebApplication> map, Action<ListenOptions>? listen = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen ?? (_ => { })));
        var app = builder.Build();
        try
        {
            map(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new LoopbackWebServer(app, new Uri(address.TrimEnd('/') + "/"));
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
