using System.Security.Cryptography;
using System.Text.Json;
using QoinHub.Merchant.Tests.Outbox;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// The whole notify path with the Service Bus publisher (Azure.Messaging.ServiceBus, SAS from the
/// connection string) talking AMQP to the stand-in: every failure of the broker is a 5005600 for
/// QoinHub, and its retry publishes the notification once.
/// </summary>
public sealed class ServiceBusNotifyTests : IAsyncLifetime, IDisposable
{
    private const string Queue = LoopbackBrokerAppFactory.Queue;

    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private ServiceBusStandIn _broker = null!;
    private LoopbackBrokerAppFactory _app = null!;
    private SnapClient _client = null!;

    public Task InitializeAsync()
    {
        _broker = ServiceBusStandIn.Start(null, Queue);
        _app = new LoopbackBrokerAppFactory(_broker, TimeSpan.FromSeconds(2));
        _client = new SnapClient(_app.CreateClient(), _app.Clock);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose() => _key.Dispose();

    public static TheoryData<string> BrokerFailures => new() { "not-found", "server-busy", "internal-error", "never-settle", "drop-connection", "token-refused" };

    [Theory]
    [MemberData(nameof(BrokerFailures))]
    public async Task Broker_failure_is_answered_5005600_and_the_retry_publishes_once(string failure)
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        var body = SnapClient.NotificationBody("T-sb-" + failure);

        // Refusals of the entity or the credentials, and server-busy, are final; the rest is retried.
        var refusedAtOnce = failure is "not-found" or "server-busy";
        var tries = refusedAtOnce ? 1 : LoopbackBrokerAppFactory.MaxRetries + 1;
        if (failure == "token-refused")
        {
            _broker.RefuseTokens = true;
        }
        else
        {
            _broker.Script([.. Enumerable.Range(0, tries).Select(_ => Fault(failure))]);
        }

        using (var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "800001", body))
        using (var response = await _client.Http.SendAsync(request))
        {
            Assert.Equal((500, "5005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        Assert.Empty(_broker.Queue(Queue).Active);
        Assert.Equal(failure == "token-refused" ? 0 : tries, _broker.Sends.Count);
        _broker.RefuseTokens = false;

        // QoinHub retries until it hears 2005600. After server-busy the SDK holds its sends for 10 s,
        // so the retries of those 10 s are answered 5005600 too.
        var answers = new List<string>();
        await Until.TrueAsync(
            async () =>
            {
                using var retry = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "800001", body);
                using var response = await _client.Http.SendAsync(retry);
                answers.Add((await SnapClient.ReadAsync(response)).Code);
                return answers[^1] == "2005600";
            },
            TimeSpan.FromSeconds(60),
            "QoinHub's retry to be answered 2005600");
        Assert.All(answers.SkipLast(1), code => Assert.Equal("5005600", code));
        if (failure != "server-busy")
        {
            Assert.Single(answers);
        }

        var accepted = Assert.Single(BrokerSends.Enqueued(_broker));
        using var envelope = JsonDocument.Parse(accepted.Body);
        Assert.Equal(envelope.RootElement.GetProperty("messageId").GetString(), accepted.MessageId);
        Assert.Equal("abcdefgh0017", accepted.CorrelationId);
        Assert.Equal("800001", accepted.Property("ExternalId"));
        Assert.Equal(body, envelope.RootElement.GetProperty("notification").GetRawText());
        Assert.All(_broker.TokenRequests.Where(put => put.StatusCode == 200), put => Assert.Equal("servicebus.windows.net:sastoken", put.Type));
    }

    [Fact]
    public async Task Transient_broker_error_is_retried_inside_one_request_and_published_once()
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        _broker.Script(StandInFault.InternalError);
        using var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "800002", SnapClient.NotificationBody("T-sb-transient"));
        using var response = await _client.Http.SendAsync(request);

        Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        Assert.Equal([SendOutcome.Rejected, SendOutcome.Accepted], _broker.Sends.Select(send => send.Outcome));
        Assert.Single(_broker.Queue(Queue).Active);
    }

    private static StandInFault Fault(string failure) => failure switch
    {
        "not-found" => StandInFault.NotFound,
        "server-busy" => StandInFault.ServerBusy,
        "internal-error" => StandInFault.InternalError,
        "never-settle" => StandInFault.NeverSettle,
        "drop-connection" => StandInFault.DropConnection,
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };
}
