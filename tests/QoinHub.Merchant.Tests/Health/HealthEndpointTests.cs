using System.Diagnostics;
using System.Net;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Tests.Http;
using QoinHub.Merchant.Tests.Outbox;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Health;

/// <summary>
/// <c>GET /api/health</c> against real dependencies: Azurite's tables and queue and the AMQP
/// Service Bus stand-in, each behind a <see cref="TcpOutageProxy"/> that takes it down, black-holes it
/// or brings it back.
/// </summary>
public sealed class HealthEndpointTests
{
    private const string HealthCategory = "QoinHub.Merchant.Health.DependencyHealth";

    [Fact]
    public async Task Health_is_200_then_503_naming_the_queue_while_Azurite_queue_is_unreachable_then_200_again()
    {
        await using var app = new ProxiedStorageAppFactory();
        using var http = app.CreateClient();

        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "queue");

        app.Queues.IsUp = false;
        var down = (await HealthProbe.GetAsync(http)).AssertUnhealthy("queue");
        Assert.StartsWith("no response (", down.ReasonOf("queue"), StringComparison.Ordinal);

        // The failure is logged as a warning naming the dependency and the reason.
        var warning = Assert.Single(app.Logs.GetSnapshot(), record => record.Category == HealthCategory);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(LogEvents.HealthDependencyDown, warning.Id.Id);
        Assert.Contains("queue is down (" + down.ReasonOf("queue") + ")", warning.Message, StringComparison.Ordinal);

        app.Queues.IsUp = true;
        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "queue");
    }

    [Fact]
    public async Task Health_is_503_naming_the_tables_while_Azurite_tables_are_unreachable()
    {
        await using var app = new ProxiedStorageAppFactory();
        using var http = app.CreateClient();

        app.Tables.IsUp = false;
        (await HealthProbe.GetAsync(http)).AssertUnhealthy("tables");

        app.Tables.IsUp = true;
        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "queue");
    }

    [Fact]
    public async Task Health_is_200_then_503_naming_Service_Bus_while_the_broker_is_unreachable_then_200_again()
    {
        await using var broker = ServiceBusStandIn.Start(null, LoopbackBrokerAppFactory.Queue);
        await using var proxy = new TcpOutageProxy(broker.Port);
        await using var app = new LoopbackBrokerAppFactory(broker, TimeSpan.FromSeconds(5), proxy.Port);
        using var http = app.CreateClient();

        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "serviceBus");

        // A sender link attached with its token accepted; nothing sent.
        Assert.Contains(broker.TokenRequests, token => token.StatusCode == 200);
        Assert.Equal(0, broker.UnauthorizedAttaches);

        proxy.IsUp = false;
        (await HealthProbe.GetAsync(http)).AssertUnhealthy("serviceBus");

        proxy.IsUp = true;
        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "serviceBus");
        Assert.Empty(broker.Sends);
    }

    [Fact]
    public async Task Service_Bus_is_down_while_the_queue_is_missing_or_the_token_is_refused()
    {
        await using var broker = ServiceBusStandIn.Start(null, LoopbackBrokerAppFactory.Queue);
        await using var app = new LoopbackBrokerAppFactory(broker, TimeSpan.FromSeconds(5));
        using var http = app.CreateClient();
        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "serviceBus");

        broker.DeleteQueue(LoopbackBrokerAppFactory.Queue);
        Assert.Contains(
            "MessagingEntityNotFound",
            (await HealthProbe.GetAsync(http)).AssertUnhealthy("serviceBus").ReasonOf("serviceBus"),
            StringComparison.Ordinal);

        broker.CreateQueue(LoopbackBrokerAppFactory.Queue);
        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "serviceBus");

        broker.RefuseTokens = true;
        Assert.Contains(
            "unauthorized",
            (await HealthProbe.GetAsync(http)).AssertUnhealthy("serviceBus").ReasonOf("serviceBus"),
            StringComparison.Ordinal);

        broker.RefuseTokens = false;
        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "serviceBus");
        Assert.Empty(broker.Sends);
    }

    [Fact]
    public async Task Black_holed_broker_makes_health_answer_503_within_the_timeout_instead_of_hanging()
    {
        await using var broker = ServiceBusStandIn.Start(null, LoopbackBrokerAppFactory.Queue);
        await using var proxy = new TcpOutageProxy(broker.Port) { IsBlackHole = true };
        await using var app = new LoopbackBrokerAppFactory(broker, TimeSpan.FromSeconds(5), proxy.Port, [new("Health:Timeout", "00:00:01")]);
        using var http = app.CreateClient();

        var hung = (await HealthProbe.GetAsync(http)).AssertUnhealthy("serviceBus");

        Assert.Equal("no answer within 1000 ms", hung.ReasonOf("serviceBus"));
        Assert.InRange(hung.Dependency("serviceBus").GetProperty("latencyMs").GetInt64(), 900, 10_000);

        // Once the broker answers again, a later check finds it (the connection cut when the black hole ends).
        proxy.IsBlackHole = false;
        await HealthProbe.EventuallyHealthyAsync(http, TimeSpan.FromSeconds(60), "tables", "serviceBus");
    }

    [Fact]
    public async Task Hung_queue_makes_health_answer_503_within_the_timeout_instead_of_hanging()
    {
        await using var app = new ProxiedStorageAppFactory([new("Health:Timeout", "00:00:01")]);
        using var http = app.CreateClient();

        app.Queues.IsBlackHole = true;
        var clock = Stopwatch.StartNew();
        var hung = (await HealthProbe.GetAsync(http)).AssertUnhealthy("queue");
        clock.Stop();

        Assert.Equal("no answer within 1000 ms", hung.ReasonOf("queue"));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(4));
        Assert.InRange(hung.Dependency("queue").GetProperty("latencyMs").GetInt64(), 900, 4000);

        app.Queues.IsBlackHole = false;
        (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "queue");
    }

    [Fact]
    public async Task Health_report_and_its_logs_never_hold_the_storage_key_or_the_Service_Bus_key_or_signature()
    {
        string[] secrets =
        [
            AzuriteServer.AccountKey, "AccountKey", "SharedAccessKey",
            "SharedAccessSignature", "sig=", "se=", "skn=",
        ];
        var bodies = new List<string>();
        var logs = new List<string>();

        await using (var storage = new ProxiedStorageAppFactory())
        {
            using var http = storage.CreateClient();
            bodies.Add((await HealthProbe.GetAsync(http)).Body);
            storage.Queues.IsUp = false;
            storage.Tables.IsUp = false;
            bodies.Add((await HealthProbe.GetAsync(http)).AssertUnhealthy("tables", "queue").Body);
            logs.AddRange(storage.Logs.GetSnapshot().Where(r => r.Category == HealthCategory).Select(r => r.Message + r.Exception));
            secrets = [.. secrets, storage.StorageConnectionString];
        }

        await using (var broker = ServiceBusStandIn.Start(null, LoopbackBrokerAppFactory.Queue))
        await using (var proxy = new TcpOutageProxy(broker.Port))
        await using (var app = new LoopbackBrokerAppFactory(broker, TimeSpan.FromSeconds(5), proxy.Port))
        {
            using var http = app.CreateClient();
            bodies.Add((await HealthProbe.GetAsync(http)).Body);
            broker.RefuseTokens = true;
            bodies.Add((await HealthProbe.GetAsync(http)).AssertUnhealthy("serviceBus").Body);
            broker.RefuseTokens = false;
            proxy.IsUp = false;
            bodies.Add((await HealthProbe.GetAsync(http)).AssertUnhealthy("serviceBus").Body);
            logs.AddRange(app.Logs.GetSnapshot().Where(r => r.Category == HealthCategory).Select(r => r.Message + r.Exception));
            secrets = [.. secrets, app.ServiceBusConnectionString, ServiceBusStandIn.SharedAccessKey];
        }

        Assert.Equal(4, logs.Count); // tables and queue, then Service Bus twice
        foreach (var text in bodies.Concat(logs))
        {
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public async Task Tables_and_queue_not_created_yet_count_as_up_and_the_check_does_not_create_them()
    {
        await using var app = new SnapAppFactory();
        using var http = app.CreateClient();

        var probe = (await HealthProbe.GetAsync(http)).AssertHealthy("tables", "queue");

        Assert.Contains(app.TokenTable, probe.NoteOf("tables"), StringComparison.Ordinal);
        Assert.Contains(app.NotificationTable, probe.NoteOf("tables"), StringComparison.Ordinal);
        Assert.Contains(app.QueueName, probe.NoteOf("queue"), StringComparison.Ordinal);
        var tables = new TableServiceClient(AzuriteServer.Instance.ConnectionString);
        await foreach (var table in tables.QueryAsync(t => t.Name == app.TokenTable || t.Name == app.NotificationTable))
        {
            Assert.Fail($"The health check created table {table.Name}.");
        }

        Assert.False(await new QueueClient(AzuriteServer.Instance.ConnectionString, app.QueueName).ExistsAsync());
    }

    [Fact]
    public async Task Readiness_probe_on_root_stays_cheap_and_answers_while_storage_is_down()
    {
        await using var app = new ProxiedStorageAppFactory();
        using var http = app.CreateClient();
        app.Tables.IsUp = false;
        app.Queues.IsUp = false;

        using var ready = await http.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("\"ready\"", await ready.Content.ReadAsStringAsync());
        Assert.DoesNotContain(app.Logs.GetSnapshot(), record => record.Category == HealthCategory);
    }
}
