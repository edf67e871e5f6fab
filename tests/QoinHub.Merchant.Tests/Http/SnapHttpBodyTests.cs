using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.Functions.Http;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Telemetry;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// The worker's body reading on its own, with bodies no client library sends: a chunked body over
/// the limit, and a forwarded body whose connection breaks before the request is marked aborted.
/// </summary>
public sealed class SnapHttpBodyTests
{
    private const int Limit = 32 * 1024;

    [Fact]
    public async Task Chunked_body_over_the_limit_is_refused_as_too_large_and_counted_so()
    {
        using var refusals = new MetricCollector<long>(null, MerchantTelemetry.Name, "qoinhub.snap.refusals");
        var handler = new ProbeHandler();

        // No Content-Length: the limit is found only by reading.
        var result = await AnswerAsync(new MemoryStream(new byte[Limit + 1]), contentLength: null, handler);

        Assert.Equal((400, "4005600", $"Bad Request. The body is larger than {Limit} bytes."), (result.HttpStatus, result.ResponseCode, result.ResponseMessage));
        Assert.False(handler.Called, "The handler saw an oversized body.");
        Assert.Contains(
            refusals.GetMeasurementSnapshot(),
            measurement => Equals(measurement.Tags[MerchantTelemetry.Attributes.ServiceCode], "56")
                && Equals(measurement.Tags[MerchantTelemetry.Attributes.RefusalReason], MerchantTelemetry.Refusals.BodyTooLarge));
    }

    [Fact]
    public async Task Chunked_body_at_the_limit_reaches_the_handler_whole()
    {
        var handler = new ProbeHandler();

        await AnswerAsync(new MemoryStream(new byte[Limit]), contentLength: null, handler);

        Assert.Equal(Limit, handler.BodyLength);
    }

    [Fact]
    public async Task Body_whose_connection_breaks_is_a_4xx_with_a_one_line_warning()
    {
        var logs = new FakeLogCollector();
        var handler = new ProbeHandler();

        // What Kestrel throws for a chunk size that overflows, or a forwarded body cut before the request is marked aborted.
        var result = await AnswerAsync(new BrokenStream(new IOException("Bad chunk size data.")), contentLength: null, handler, logs);

        Assert.Equal((400, "4005600"), (result.HttpStatus, result.ResponseCode));
        Assert.Contains("did not arrive whole", result.ResponseMessage, StringComparison.Ordinal);
        var record = Assert.Single(logs.GetSnapshot());
        Assert.Equal(LogLevel.Warning, record.Level);
        Assert.Null(record.Exception);
        Assert.Equal("The body of a call to /api/v1.0/debit/notify did not arrive whole (HTTP 400: Bad chunk size data.); answered 400", record.Message);
    }

    private static async Task<SnapResult> AnswerAsync(Stream body, long? contentLength, ProbeHandler handler, FakeLogCollector? logs = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.Path = "/api/v1.0/debit/notify";
        context.Request.ContentType = "application/json";
        context.Request.ContentLength = contentLength;
        context.Request.Body = body;
        ILogger<SnapHttp> logger = logs is null ? NullLogger<SnapHttp>.Instance : new FakeLogger<SnapHttp>(logs);
        var http = new SnapHttp(new FixedOptions(new SnapOptions { MaxBodyBytes = Limit }), logger);

        var answer = await http.AnswerAsync(context.Request, handler);

        return Assert.IsType<SnapHttpResult>(answer).Result;
    }

    private sealed class ProbeHandler() : SnapHandler(SnapResponses.DebitNotify, NullLogger.Instance)
    {
        public bool Called { get; private set; }

        public int BodyLength { get; private set; } = -1;

        protected override Task<SnapResult> HandleCoreAsync(SnapRequest request, CancellationToken cancellationToken)
        {
            Called = true;
            BodyLength = request.Body.Length;
            return Task.FromResult(Responses.BadRequest("probe"));
        }
    }

    private sealed class BrokenStream(Exception failure) : MemoryStream
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromException<int>(failure);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromException<int>(failure);
    }

    private sealed class FixedOptions(SnapOptions value) : IOptionsMonitor<SnapOptions>
    {
        public SnapOptions CurrentValue => value;

        public SnapOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SnapOptions, string?> listener) => null;
    }
}
