using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 that keeps every export request as it arrived (protobuf
/// bytes: strings in it are plain UTF-8, so a test can search them) and answers success.
/// </summary>
internal sealed class LoopbackOtlpCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpExport> _exports = new();

    private LoopbackOtlpCollector(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<OtlpExport> Exports => [.. _exports];

    public static async Task<LoopbackOtlpCollector> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var collector = new LoopbackOtlpCollector(app);
        app.Run(collector.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        collector.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return collector;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        _exports.Enqueue(new OtlpExport(context.Request.Path.Value ?? string.Empty, context.Request.ContentType, body.ToArray()));
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/x-protobuf";
    }
}

/// <summary>One export request: <c>/v1/traces</c>, <c>/v1/metrics</c> or <c>/v1/logs</c>, and its protobuf body.</summary>
internal sealed record OtlpExport(string Path, string? ContentType, byte[] Body);
