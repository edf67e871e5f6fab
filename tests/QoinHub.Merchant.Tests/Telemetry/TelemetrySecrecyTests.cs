using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Snap;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// Everything the app exports during tokens, notifications, refusals, a broker failure and a relay
/// run, caught by in-memory exporters (spans, metrics, logs) and by an OTLP collector (the bytes
/// that would leave the process), searched for every secret, token, signature and body involved.
/// </summary>
public sealed class TelemetrySecrecyTests : IDisposable
{
    private readonly RSA _key = SnapClient.VectorPrivateKey();

    public void Dispose() => _key.Dispose();

    [Fact]
    public async Task No_secret_token_signature_or_body_is_in_any_exported_span_metric_or_log()
    {
        await using var broker = ServiceBusStandIn.Start(null, TelemetryAppFactory.ServiceBusQueue);
        await using var app = await TelemetryAppFactory.StartAsync(broker);
        var client = new SnapClient(app.CreateClient(), app.Clock);
        var unique = Guid.NewGuid().ToString("N")[..12];
        var secrets = new List<string>
        {
            Fixtures.Vectors.ClientSecret,
            app.OtherClientSecret,
            TelemetryAppFactory.ServiceBusSharedAccessKey,
            SnapClient.TokenBody,
        };
        var traces = new List<CallerTrace>();

        async Task<(int Status, string Code, System.Text.Json.JsonElement Body)> SendAsync(HttpRequestMessage request)
        {
            using (request)
            {
                if (request.Headers.TryGetValues(SnapHeaders.Signature, out var signature))
                {
                    secrets.Add(signature.Single());
                }

                var caller = CallerTrace.New();
                traces.Add(caller);
                using var response = await client.Http.SendAsync(caller.On(request));
                var (status, code, _, body) = await SnapClient.ReadAsync(response);
                return (status, code, body);
            }
        }

        // Tokens: issued, and refused for a signature made with another key.
        var issued = await SendAsync(client.TokenRequest(_key, Fixtures.Vectors.ClientId));
        var token = issued.Body.GetProperty("accessToken").GetString()!;
        secrets.Add(token);
        Assert.Equal("4007302", (await SendAsync(client.TokenRequest(app.OtherPrivateKey, Fixtures.Vectors.ClientId))).Code);

        // Bodies with values found nowhere else, so any trace of a body is caught.
        string Body(string reference) => SnapClient.NotificationBody(reference, partnerReference: $"body-{reference}-{unique}");
        var accepted = Body("T-secrecy-1");
        var failed = Body("T-secrecy-2");
        secrets.AddRange([accepted, failed, $"body-T-secrecy-1-{unique}", $"body-T-secrecy-2-{unique}", $"body-T-secrecy-3-{unique}"]);

        // Accepted, on a path with a query string that must be exported redacted.
        var querySecret = "query-secret-" + unique;
        secrets.Add(querySecret);
        var path = SnapClient.NotifyPath + "?session=" + querySecret;
        Assert.Equal("2005600", (await SendAsync(client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "640001", accepted, path: path))).Code);

        // Refused: wrong secret, forged token.
        var wrongSecret = "wrong-secret-" + unique;
        var forgedToken = "forged-token-" + unique;
        secrets.AddRange([wrongSecret, forgedToken]);
        Assert.Equal("4015600", (await SendAsync(client.NotifyRequest(token, wrongSecret, Fixtures.Vectors.ClientId, "640002", Body("T-secrecy-3")))).Code);
        Assert.Equal("4015601", (await SendAsync(client.NotifyRequest(forgedToken, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "640003", Body("T-secrecy-3")))).Code);

        // The broker fails (5xx for QoinHub), then the relay publishes the recorded notification.
        broker.Script(StandInFault.InternalError, StandInFault.InternalError);
        Assert.Equal("5005600", (await SendAsync(client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "640004", failed))).Code);
        app.Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, (await app.Services.GetRequiredService<OutboxRelay>().RunOnceAsync(CancellationToken.None)).Published);

        // The SAS tokens the publisher put on $cbs are secret-derived too.
        Assert.NotEmpty(broker.TokenRequests);
        foreach (var put in broker.TokenRequests)
        {
            var sasToken = put.Token!;
            var sig = sasToken[(sasToken.IndexOf("sig=", StringComparison.Ordinal) + 4)..].Split('&')[0];
            secrets.AddRange([sasToken, sig, Uri.UnescapeDataString(sig)]);
        }

        // Every call's server span is there (the last ends after its response), then export everything.
        foreach (var caller in traces)
        {
            await app.TraceAsync(caller.TraceId, SpanQueries.HasServerSpan);
        }

        app.Flush();

        var spans = app.Spans.Snapshot();
        var logs = app.ExportedLogs.Snapshot();
        var metrics = app.Metrics.Snapshot();
        var exports = app.Collector.Exports;

        // What was caught is the real thing, so that finding nothing in it means something.
        Assert.Contains(spans, span => span.OperationName == Merchant.Telemetry.MerchantTelemetry.Spans.RelayPublish);
        Assert.Contains(spans, span => span.Source.Name.StartsWith("Azure.", StringComparison.Ordinal));
        Assert.Contains(logs, log => log.EventId == LogEvents.NotificationAccepted);
        Assert.Contains(logs, log => log.EventId == LogEvents.CallRefused);
        Assert.Contains(logs, log => log.EventId == LogEvents.NotificationPublishFailed && log.Exception is not null);
        Assert.Contains(metrics, metric => metric.Name == "qoinhub.snap.calls");
        Assert.All(["/v1/traces", "/v1/metrics", "/v1/logs"], signal => Assert.Contains(exports, export => export.Path == signal && export.Body.Length > 0));

        // The call with a query string has its span; the forwarded request's URL is not an attribute
        // of it (the worker records no ASP.NET Core span), so the query's value is caught below if
        // it leaks anywhere. TelemetryRedactionTests pins the redaction of URL attributes that do go out.
        var queried = (await app.TraceAsync(traces[2].TraceId, SpanQueries.HasServerSpan)).Server();
        Assert.Equal("2005600", queried.GetTagItem(Merchant.Telemetry.MerchantTelemetry.Attributes.ResponseCode));
        Assert.Null(queried.GetTagItem("url.query"));

        var exported = new StringBuilder();
        foreach (var span in spans)
        {
            exported.AppendLine(SpanText(span));
        }

        foreach (var log in logs)
        {
            exported.AppendLine(log.AllText);
        }

        foreach (var metric in metrics)
        {
            foreach (var point in metric.MetricPoints)
            {
                foreach (var tag in point.Tags)
                {
                    exported.Append(metric.Name).Append(' ').Append(tag.Key).Append('=').Append(tag.Value).AppendLine();
                }
            }
        }

        foreach (var export in exports)
        {
            exported.AppendLine(Encoding.UTF8.GetString(export.Body));
        }

        var text = exported.ToString();
        Assert.True(text.Length > 10_000, $"only {text.Length} characters exported: the capture is not what it should be");
        Assert.True(secrets.Count >= 20, $"only {secrets.Count} secrets collected");
        foreach (var secret in secrets.Distinct())
        {
            Assert.True(secret.Length >= 8, $"'{secret}' is too short to search for");
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"exported telemetry contains a secret, token, signature or body: {secret[..8]}…");
        }
    }

    /// <summary>Everything of a span an exporter sends: names, attributes, events, links, status.</summary>
    private static string SpanText(Activity span)
    {
        var text = new StringBuilder()
            .Append(span.Source.Name).Append(' ').Append(span.OperationName).Append(' ').Append(span.DisplayName).Append(' ')
            .Append(span.StatusDescription).Append(' ').Append(span.TraceStateString).AppendLine();
        foreach (var (key, value) in span.TagObjects)
        {
            text.Append(key).Append('=').Append(value).AppendLine();
        }

        foreach (var activityEvent in span.Events)
        {
            text.Append(activityEvent.Name).AppendLine();
            foreach (var (key, value) in activityEvent.Tags)
            {
                text.Append(key).Append('=').Append(value).AppendLine();
            }
        }

        foreach (var link in span.Links)
        {
            foreach (var (key, value) in link.Tags ?? [])
            {
                text.Append(key).Append('=').Append(value).AppendLine();
            }
        }

        return text.ToString();
    }
}
