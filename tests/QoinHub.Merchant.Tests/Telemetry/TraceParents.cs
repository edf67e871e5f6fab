using System.Diagnostics;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>A caller's trace context: what QoinHub (or the Functions host in front of the app) sends as <c>traceparent</c>.</summary>
internal sealed record CallerTrace(ActivityTraceId TraceId, ActivitySpanId SpanId)
{
    public static CallerTrace New() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

    public string TraceParent => $"00-{TraceId.ToHexString()}-{SpanId.ToHexString()}-01";

    public HttpRequestMessage On(HttpRequestMessage request)
    {
        request.Headers.Add("traceparent", TraceParent);
        return request;
    }
}

internal static class SpanQueries
{
    public const string AspNetCore = "Microsoft.AspNetCore";

    /// <summary>
    /// The app's server span. Other servers of the test process (the loopback broker, the OTLP
    /// collector) make server spans too, which the app's listener also sees: those are not under <c>/api/</c>.
    /// </summary>
    public static Activity Server(this IEnumerable<Activity> spans) =>
        Assert.Single(spans, IsAppServerSpan);

    public static IEnumerable<Activity> Named(this IEnumerable<Activity> spans, string name) =>
        spans.Where(span => span.Source.Name == Merchant.Telemetry.MerchantTelemetry.Name && span.OperationName == name);

    public static object? Tag(this Activity span, string name) => span.GetTagItem(name);

    /// <summary>Whether <paramref name="spans"/> hold a server span that has ended, for <see cref="TelemetryAppFactory.TraceAsync"/>.</summary>
    public static bool HasServerSpan(List<Activity> spans) => spans.Any(IsAppServerSpan);

    private static bool IsAppServerSpan(Activity span) =>
        span.Kind == ActivityKind.Server && span.Source.Name == AspNetCore
        && span.GetTagItem("url.path") is string path && path.StartsWith("/api/", StringComparison.Ordinal);
}
