using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing;
using static QoinHub.Merchant.Telemetry.MerchantTelemetry;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// The spans of SNAP calls as the app exports them: one server span per call, parented on the
/// caller's <c>traceparent</c>, with the app's own spans beneath it and the SNAP attributes on it.
/// </summary>
public sealed class TraceShapeTests : TelemetryAppTests
{
    [Fact]
    public async Task Token_request_is_a_server_span_on_the_callers_trace_with_a_signature_verification_child()
    {
        var caller = CallerTrace.New();
        Assert.Equal("2007300", (await SendAsync(caller, Client.TokenRequest(PartnerKey, Fixtures.Vectors.ClientId))).Code);

        var (spans, server) = await AppTraceAsync(caller);
        Assert.Equal("73", server.Tag(Attributes.ServiceCode));
        Assert.Equal("2007300", server.Tag(Attributes.ResponseCode));
        Assert.Equal(Fixtures.Vectors.ClientId, server.Tag(Attributes.PartnerId));
        var verification = Assert.Single(spans.Named(Spans.SignatureVerification));
        Assert.Equal(server.SpanId, verification.ParentSpanId);
        Assert.Equal("verified", verification.Tag(Attributes.Outcome));
        Assert.Empty(spans.Named(Spans.Publish));
    }

    [Fact]
    public async Task Accepted_notification_has_token_lookup_signature_ledger_and_publish_spans_under_the_server_span()
    {
        var token = await Client.GetTokenAsync(PartnerKey, Fixtures.Vectors.ClientId);
        var caller = CallerTrace.New();
        Assert.Equal("2005600", (await SendAsync(caller, Client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "610001", SnapClient.NotificationBody("T-trace-accepted")))).Code);

        var (spans, server) = await AppTraceAsync(caller);
        Assert.Equal("56", server.Tag(Attributes.ServiceCode));
        Assert.Equal("2005600", server.Tag(Attributes.ResponseCode));
        Assert.Equal(Fixtures.Vectors.ClientId, server.Tag(Attributes.PartnerId));
        Assert.Equal("minified", server.Tag(Attributes.BodyForm));
        Assert.Equal(Dedupe.New, server.Tag(Attributes.Dedupe));
        Assert.NotEqual(ActivityStatusCode.Error, server.Status);

        // Each of the app's steps is a child of the server span, in the order SNAP checks them.
        string[] steps = [Spans.TokenLookup, Spans.SignatureVerification, Spans.LedgerClaim, Spans.Publish];
        var children = steps.Select(step => Assert.Single(spans.Named(step))).ToList();
        Assert.All(children, child => Assert.Equal(server.SpanId, child.ParentSpanId));
        Assert.Equal(steps, children.OrderBy(child => child.StartTimeUtc).Select(child => child.OperationName));
        Assert.Equal("valid", children[0].Tag(Attributes.TokenState));
        Assert.Equal("minified", children[1].Tag(Attributes.BodyForm));
        Assert.Equal(Dedupe.New, children[2].Tag(Attributes.Dedupe));

        var publish = children[3];
        Assert.Equal(ActivityKind.Producer, publish.Kind);
        Assert.Equal("storage_queue", publish.Tag(Attributes.MessagingSystem));
        Assert.NotEqual(ActivityStatusCode.Error, publish.Status);

        // The message carries the server span's context: a consumer continues QoinHub's trace.
        var message = Assert.Single(await QueueReader.DrainAsync(AzuriteServer.Instance.ConnectionString, App.QueueName));
        Assert.Equal(message.GetProperty("messageId").GetString(), publish.Tag(Attributes.MessageId));
        Assert.Equal(server.Id, message.GetProperty("traceparent").GetString());

        // The Azure SDK's own spans (the ledger's table calls, the queue send) sit beneath the app's.
        Assert.Contains(spans, span => span.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) && span.ParentSpanId == publish.SpanId);
        Assert.Contains(spans, span => span.Source.Name.StartsWith("Azure.", StringComparison.Ordinal) && span.ParentSpanId == children[2].SpanId);

        // QoinHub's retry is answered from the ledger: no publish span.
        var retry = CallerTrace.New();
        Assert.Equal("2005600", (await SendAsync(retry, Client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "610001", SnapClient.NotificationBody("T-trace-accepted")))).Code);

        var retrySpans = await App.TraceAsync(retry.TraceId, SpanQueries.HasServerSpan);
        Assert.Equal(Dedupe.Retry, retrySpans.Server().Tag(Attributes.Dedupe));
        Assert.Equal(Dedupe.Retry, Assert.Single(retrySpans.Named(Spans.LedgerClaim)).Tag(Attributes.Dedupe));
        Assert.Empty(retrySpans.Named(Spans.Publish));
    }

    [Fact]
    public async Task Notification_with_a_bad_signature_stops_at_the_signature_span()
    {
        var token = await Client.GetTokenAsync(PartnerKey, Fixtures.Vectors.ClientId);
        var caller = CallerTrace.New();
        Assert.Equal((401, "4015600"), await SendAsync(caller, Client.NotifyRequest(token, "not-the-client-secret", Fixtures.Vectors.ClientId, "610002", SnapClient.NotificationBody("T-trace-forged"))));

        var (spans, server) = await AppTraceAsync(caller);
        Assert.Equal("4015600", server.Tag(Attributes.ResponseCode));
        Assert.Null(server.Tag(Attributes.BodyForm));
        Assert.NotEqual(ActivityStatusCode.Error, server.Status);
        Assert.Equal(server.SpanId, Assert.Single(spans.Named(Spans.TokenLookup)).ParentSpanId);
        var verification = Assert.Single(spans.Named(Spans.SignatureVerification));
        Assert.Equal(server.SpanId, verification.ParentSpanId);
        Assert.Equal("refused", verification.Tag(Attributes.Outcome));
        Assert.Empty(spans.Named(Spans.LedgerClaim));
        Assert.Empty(spans.Named(Spans.Publish));
    }

    [Fact]
    public async Task Broker_down_is_a_failed_publish_span_and_a_5xx_server_span_and_the_relay_links_back()
    {
        var token = await Client.GetTokenAsync(PartnerKey, Fixtures.Vectors.ClientId);
        var caller = CallerTrace.New();
        App.Queues.IsUp = false;
        Assert.Equal((500, "5005600"), await SendAsync(caller, Client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "610003", SnapClient.NotificationBody("T-trace-broker-down"))));

        var (spans, server) = await AppTraceAsync(caller);
        Assert.Equal("5005600", server.Tag(Attributes.ResponseCode));
        Assert.Equal(ActivityStatusCode.Error, server.Status);
        Assert.Equal(Dedupe.New, Assert.Single(spans.Named(Spans.LedgerClaim)).Tag(Attributes.Dedupe));
        var publish = Assert.Single(spans.Named(Spans.Publish));
        Assert.Equal(server.SpanId, publish.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Error, publish.Status);
        Assert.Equal(typeof(NotificationPublishException).FullName, publish.Tag(Attributes.ErrorType));

        // The queue comes back; the relay publishes the record in a trace of its own that links to the receipt's.
        App.Queues.IsUp = true;
        App.Clock.Advance(TimeSpan.FromMinutes(3));
        var run = await App.Services.GetRequiredService<OutboxRelay>().RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, run.Published);

        var relayed = await App.Spans.WaitForAsync(
            all => all.Named(Spans.RelayPublish).Any(span => span.Links.Any(link => link.Context.TraceId == caller.TraceId)),
            "the relay's publish span");
        var relayPublish = Assert.Single(relayed.Named(Spans.RelayPublish), span => span.Links.Any(link => link.Context.TraceId == caller.TraceId));
        Assert.NotEqual(caller.TraceId, relayPublish.TraceId);
        Assert.Equal(server.SpanId, Assert.Single(relayPublish.Links).Context.SpanId);
        Assert.Equal(publish.Tag(Attributes.MessageId), relayPublish.Tag(Attributes.MessageId));
        var relayRun = Assert.Single(relayed.Named(Spans.RelayRun), span => span.SpanId == relayPublish.ParentSpanId);
        Assert.Equal(1, relayRun.Tag("outbox.published"));

        // The message the relay sent carries the receipt's trace context, not the relay's.
        var message = Assert.Single(await QueueReader.DrainAsync(AzuriteServer.Instance.ConnectionString, App.QueueName));
        Assert.Equal(server.Id, message.GetProperty("traceparent").GetString());
    }

    /// <summary>Sends <paramref name="request"/> on the caller's trace; the HTTP status and the SNAP response code.</summary>
    private async Task<(int Status, string Code)> SendAsync(CallerTrace caller, HttpRequestMessage request)
    {
        using var traced = caller.On(request);
        using var response = await Client.Http.SendAsync(traced);
        return ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code);
    }

    /// <summary>The caller's trace once the app's server span has ended, and that span, which must be the caller's child.</summary>
    private async Task<(List<Activity> Spans, Activity Server)> AppTraceAsync(CallerTrace caller)
    {
        var spans = await App.TraceAsync(caller.TraceId, SpanQueries.HasServerSpan);
        var server = spans.Server();
        Assert.Equal(caller.SpanId, server.ParentSpanId);
        return (spans, server);
    }
}
