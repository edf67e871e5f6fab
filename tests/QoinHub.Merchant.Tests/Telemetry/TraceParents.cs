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
    /// <summary>The isolated worker's activity source: one span per function invocation.</summary>
    public const string FunctionsWorker = "Microsoft.Azure.Functions.Worker";

    /// <summary>
    /// The span of one SNAP call: the worker's span of the function invocation
    /// (<c>function PaymentNotificationDebit</c>), parented on the trace context the host passes,
    /// which is the caller's <c>traceparent</c>. The forwarded request's ASP.NET Core span is not
    /// recorded, so this is the only span of the call in the app. Other servers of the test process
    /// (the loopback broker, the OTLP collector) make spans too, which the app's listener also sees:
    /// those are not a SNAP function's.
    /// </summary>
    public static Activity Server(this IEnumerable<Activity> spans) =>
        Assert.Single(spans, IsAppServerSpan);

    public static IEnumerable<Activity> Named(this IEnumerable<Activity> spans, string name) =>
        spans.Where(span => span.Source.Name == Merchant.Telemetry.MerchantTelemetry.Name && span.OperationName == name);

    public static object? Tag(this Activity span, string name) => span.GetTagItem(name);

    /// <summary>Whether <paramref name="spans"/> hold a SNAP call's span that has ended, for <see cref="TelemetryAppFactory.TraceAsync"/>.</summary>
    public static bool HasServerSpan(List<Activity> spans) => spans.Any(IsAppServerSpan);

    private static bool IsAppServerSpan(Activity span) =>
        span.Source.Name == FunctionsWorker && span.GetTagItem("faas.name") is "AccessTokenB2B" or "PaymentNotificationDebit";
}
