using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// An OTLP/HTTP collector on 127.0.0.1 that keeps every export request as it arrived (protobuf
/// bytes: strings in it are plain UTF-8, so a test can search them) and answers success.
/// </summary>
internal sealed class LoopbackOtlpCollector : IAsyncDisposable
{
    private readonly ConcurrentQueue<OtlpExport> _exports = new();
    private LoopbackWebServer _server = null!;

    private LoopbackOtlpCollector()
    {
    }

    public Uri BaseAddress => _server.BaseAddress;

    public IReadOnlyList<OtlpExport> Exports => [.. _exports];

    public static async Task<LoopbackOtlpCollector> StartAsync()
    {
        var collector = new LoopbackOtlpCollector();
        collector._server = await LoopbackWebServer.StartAsync(collector.HandleAsync);
        return collector;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

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
