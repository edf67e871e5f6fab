using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.AzureAdapters.StorageQueues;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Tests.Notifications.Publishing;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// The whole notify path with the Service Bus publisher (SAS, REST send API) talking to a local
/// HTTPS server that plays the broker: every failure of the broker is a 5005600 for QoinHub, and
/// its retry publishes the notification once.
/// </summary>
public sealed class ServiceBusNotifyTests : IAsyncLifetime, IDisposable
{
    private const string ConnectionString = "Endpoint=sb://qoinhub-test.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VuZC1rZXktZm9yLWxvb3BiYWNrLXRlc3RzLW9ubHk=";
    private const string Queue = "payment-notifications";

    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private LoopbackServiceBus _broker = null!;
    private ServiceBusAppFactory _app = null!;
    private SnapClient _client = null!;

    public async Task InitializeAsync()
    {
        _broker = await LoopbackServiceBus.StartAsync();
        _app = new ServiceBusAppFactory(_broker);
        _client = new SnapClient(_app.CreateClient(), _app.Clock);
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _broker.DisposeAsync();
    }

    public void Dispose() => _key.Dispose();

    public static TheoryData<int> BrokerFailures => new() { 401, 403, 410, 500, 503, 0 };

    [Theory]
    [MemberData(nameof(BrokerFailures))]
    public async Task Broker_failure_is_answered_5005600_and_the_retry_publishes_once(int failure)
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        var body = SnapClient.NotificationBody("T-sb-" + failure);
        // Authorization and missing-entity answers are final; server errors and time-outs are retried.
        var attempts = failure is 401 or 403 or 410 ? 1 : ServiceBusAppFactory.MaxRetries + 1;
        var failures = Enumerable.Repeat(failure == 0 ? Reply.Hanging : Reply.Status(failure), attempts).ToArray();
        _broker.Script(failures);

        using (var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "800001", body))
        using (var response = await _client.Http.SendAsync(request))
        {
            Assert.Equal((500, "5005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        _broker.Script(Reply.Created);
        using (var retry = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "800001", body))
        using (var response = await _client.Http.SendAsync(retry))
        {
            Assert.Equal((200, "2005600"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        }

        Assert.Equal(attempts + 1, _broker.Requests.Count);
        var accepted = Assert.Single(_broker.Requests, received => received.AnsweredWith == 201);
        Assert.Null(accepted.Problem);
        Assert.Equal($"/{Queue}/messages", accepted.Path);
        Assert.StartsWith("SharedAccessSignature ", accepted.Header("Authorization"), StringComparison.Ordinal);
        using var envelope = JsonDocument.Parse(accepted.Body);
        using var broker = JsonDocument.Parse(accepted.Header("BrokerProperties")!);
        Assert.Equal(envelope.RootElement.GetProperty("messageId").GetString(), broker.RootElement.GetProperty("MessageId").GetString());
        Assert.Equal("abcdefgh0017", broker.RootElement.GetProperty("CorrelationId").GetString());
        Assert.Equal(body, envelope.RootElement.GetProperty("notification").GetRawText());
    }

    [Fact]
    public async Task Transient_broker_error_is_retried_inside_one_request_and_published_once()
    {
        var token = await _client.GetTokenAsync(_key, Fixtures.Vectors.ClientId);
        _broker.Script(Reply.Status(503), Reply.Created);
        using var request = _client.NotifyRequest(token, Fixtures.Vectors.ClientSecret, Fixtures.Vectors.ClientId, "800002", SnapClient.NotificationBody("T-sb-transient"));
        using var response = await _client.Http.SendAsync(request);

        Assert.Equal("2005600", (await SnapClient.ReadAsync(response)).Code);
        Assert.Equal([503, 201], _broker.Requests.Select(received => received.AnsweredWith));
    }

    private sealed class ServiceBusAppFactory(LoopbackServiceBus broker) : SnapAppFactory
    {
        public const int MaxRetries = 2;

        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [
            new("ServiceBus:ConnectionString", ConnectionString),
            new("ServiceBus:QueueName", Queue),
        ];

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            // The publisher the settings chose, pointed at the loopback broker over a transport that trusts its certificate.
            // Replaced as its own type: the app resolves both the publisher and the publish target's health check through it.
            services.RemoveAll<ServiceBusRestPublisher>();
            services.RemoveAll<INotificationPublisher>();
            services.AddSingleton<INotificationPublisher>(provider => provider.GetRequiredService<ServiceBusRestPublisher>());
            services.AddSingleton(provider =>
            {
                var options = new ServiceBusPublisherOptions { ConnectionString = ConnectionString, QueueName = Queue, Endpoint = broker.BaseAddress };
                options.ClientOptions.Transport = broker.CreateTransport();
                options.ClientOptions.Retry.MaxRetries = MaxRetries;
                options.ClientOptions.Retry.Delay = TimeSpan.FromMilliseconds(1);
                options.ClientOptions.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
                options.ClientOptions.Retry.NetworkTimeout = TimeSpan.FromMilliseconds(500);
                return new ServiceBusRestPublisher(options, null, TimeProvider.System, provider.GetRequiredService<ILogger<ServiceBusRestPublisher>>());
            });
        }
    }
}
