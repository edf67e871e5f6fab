using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Http;
using static QoinHub.Merchant.Telemetry.MerchantTelemetry;

namespace QoinHub.Merchant.Tests.Telemetry;

/// <summary>
/// The app's meter is static (one per process, as in production), so every app in the test process
/// reports to it: these tests run alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterIsolation
{
    public const string Name = "The app's meter, alone";
}

/// <summary>The metric values after a known sequence of calls, relay runs and an outage, as the app exports them.</summary>
[Collection(MeterIsolation.Name)]
public sealed class TelemetryMetricsTests : TelemetryAppTests
{
    [Fact]
    public async Task Counters_histogram_and_outbox_gauges_follow_a_known_sequence()
    {
        var secret = Fixtures.Vectors.ClientSecret;
        var partner = Fixtures.Vectors.ClientId;

        // Tokens: one issued, one refused for its signature.
        var token = await Client.GetTokenAsync(PartnerKey, partner);
        await ExpectAsync(Client.TokenRequest(App.OtherPrivateKey, partner), "4007302");

        // Notifications: new, QoinHub's retry, a replay under another external id, a conflict.
        var body = SnapClient.NotificationBody("T-metrics-1");
        await ExpectAsync(Client.NotifyRequest(token, secret, partner, "630001", body), "2005600");
        await ExpectAsync(Client.NotifyRequest(token, secret, partner, "630001", body), "2005600");
        await ExpectAsync(Client.NotifyRequest(token, secret, partner, "630002", body), "2005600");
        await ExpectAsync(Client.NotifyRequest(token, secret, partner, "630001", SnapClient.NotificationBody("T-metrics-2")), "4095600");

        // Refusals: signature, unknown token, stale timestamp, then an expired token.
        await ExpectAsync(Client.NotifyRequest(token, "not-the-secret", partner, "630010", SnapClient.NotificationBody("T-metrics-3")), "4015600");
        await ExpectAsync(Client.NotifyRequest("unknown-token-0123456789", secret, partner, "630011", SnapClient.NotificationBody("T-metrics-3")), "4015601");
        await ExpectAsync(Client.NotifyRequest(token, secret, partner, "630012", SnapClient.NotificationBody("T-metrics-3"), timestamp: "2020-01-01T00:00:00+07:00"), "4015600");
        App.Clock.Advance(TimeSpan.FromMinutes(16));
        await ExpectAsync(Client.NotifyRequest(token, secret, partner, "630013", SnapClient.NotificationBody("T-metrics-3")), "4015601");
        token = await Client.GetTokenAsync(PartnerKey, partner);

        // The queue goes down: a failed publish (5xx), then a relay run that fails too.
        App.Queues.IsUp = false;
        await ExpectAsync(Client.NotifyRequest(token, secret, partner, "630020", SnapClient.NotificationBody("T-metrics-4")), "5005600");
        App.Clock.Advance(TimeSpan.FromMinutes(3));
        var relay = App.Services.GetRequiredService<OutboxRelay>();
        Assert.Equal(1, (await relay.RunOnceAsync(CancellationToken.None)).Failed);

        App.Flush();
        Assert.Equal(1, Gauge("qoinhub.outbox.pending"));
        Assert.Equal(180, Gauge("qoinhub.outbox.oldest_pending_age"), 3);

        // Between runs the gauges need no storage, and the age goes on growing.
        App.Clock.Advance(TimeSpan.FromMinutes(1));
        App.Flush();
        Assert.Equal(240, Gauge("qoinhub.outbox.oldest_pending_age"), 3);

        // The queue comes back: the next run publishes it and leaves nothing pending.
        App.Queues.IsUp = true;
        Assert.Equal(1, (await relay.RunOnceAsync(CancellationToken.None)).Published);
        App.Flush();
        Assert.Equal(0, Gauge("qoinhub.outbox.pending"));
        Assert.Equal(0, Gauge("qoinhub.outbox.oldest_pending_age"));

        Assert.Equal(
            new Dictionary<string, long>
            {
                ["56/2005600"] = 3,
                ["56/4015600"] = 2,
                ["56/4015601"] = 2,
                ["56/4095600"] = 1,
                ["56/5005600"] = 1,
                ["73/2007300"] = 2,
                ["73/4007302"] = 1,
            },
            Sums("qoinhub.snap.calls", Attributes.ServiceCode, Attributes.ResponseCode));
        Assert.Equal(
            new Dictionary<string, long>
            {
                ["56/conflict"] = 1,
                ["56/signature"] = 1,
                ["56/timestamp"] = 1,
                ["56/token_expired"] = 1,
                ["56/token_unknown"] = 1,
                ["73/signature"] = 1,
            },
            Sums("qoinhub.snap.refusals", Attributes.ServiceCode, Attributes.RefusalReason));
        Assert.Equal(
            new Dictionary<string, long> { ["conflict"] = 1, ["new"] = 2, ["replay"] = 1, ["retry"] = 1 },
            Sums("qoinhub.ledger.outcomes", Attributes.LedgerOutcome));
        Assert.Equal(new Dictionary<string, long> { [partner] = 2 }, Sums("qoinhub.tokens.issued", Attributes.PartnerId));
        Assert.Equal(new Dictionary<string, long> { ["storage_queue"] = 2 }, Sums("qoinhub.publish.failures", Attributes.MessagingSystem));

        // Two sends the queue took (the first notification and the relay's), two it did not.
        var duration = Latest("qoinhub.publish.duration");
        Assert.Equal("s", duration.Unit);
        var histograms = duration.MetricPoints.ToDictionary(
            point => Key(point, Attributes.MessagingSystem, Attributes.Outcome),
            point => (Count: point.GetHistogramCount(), Sum: point.GetHistogramSum()));
        Assert.Equal(["storage_queue/failure", "storage_queue/success"], histograms.Keys.Order());
        Assert.Equal(2, histograms["storage_queue/success"].Count);
        Assert.Equal(2, histograms["storage_queue/failure"].Count);
        Assert.All(histograms.Values, value => Assert.InRange(value.Sum, 1e-6, 60));
    }

    private async Task ExpectAsync(HttpRequestMessage request, string code)
    {
        using (request)
        {
            using var response = await Client.Http.SendAsync(request);
            Assert.Equal(code, (await SnapClient.ReadAsync(response)).Code);
        }
    }

    /// <summary>The last exported state of a metric (the in-memory exporter adds a snapshot per export).</summary>
    private MetricSnapshot Latest(string name) =>
        App.Metrics.Snapshot().Last(metric => metric.Name == name && metric.MeterName == Name);

    private Dictionary<string, long> Sums(string name, params string[] tags) =>
        Latest(name).MetricPoints.ToDictionary(point => Key(point, tags), point => point.GetSumLong());

    private double Gauge(string name)
    {
        var point = Assert.Single(Latest(name).MetricPoints);
        return Latest(name).MetricType == MetricType.LongGauge ? point.GetGaugeLastValueLong() : point.GetGaugeLastValueDouble();
    }

    private static string Key(MetricPoint point, params string[] tags)
    {
        var values = new Dictionary<string, object?>();
        foreach (var tag in point.Tags)
        {
            values[tag.Key] = tag.Value;
        }

        Assert.Equal(tags.Order(), values.Keys.Order());
        return string.Join('/', tags.Select(tag => values[tag]));
    }
}
