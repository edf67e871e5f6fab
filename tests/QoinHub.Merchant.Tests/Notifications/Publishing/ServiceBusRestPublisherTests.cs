using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.AzureAdapters.StorageQueues;
using QoinHub.Merchant.Notifications;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>
/// The REST contract with Service Bus, played by an HTTPS server on 127.0.0.1: address, headers,
/// authentication (Entra ID bearer token and SAS), body, and what each failure does.
/// </summary>
public sealed class ServiceBusRestPublisherTests : IAsyncLifetime
{
    private const string Namespace = "qoinhub-test.servicebus.windows.net";
    private const string Queue = "payment-notifications";
    private const string KeyName = "notify-sender";
    private const string Key = "c2VjcmV0LXNhcy1rZXktZm9yLXRlc3RzLW9ubHk9PQ==";
    private const int MaxRetries = 2;

    private static readonly string ConnectionString =
        $"Endpoint=sb://{Namespace}/;SharedAccessKeyName={KeyName};SharedAccessKey={Key}";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 7, 6, 7, 12, 50, TimeSpan.Zero));
    private readonly FakeLogger<ServiceBusRestPublisher> _logger = new();
    private readonly RecordingTokenCredential _credential = new("entra-token-" + Guid.NewGuid().ToString("N"));
    private LoopbackServiceBus _server = null!;

    public async Task InitializeAsync() => _server = await LoopbackServiceBus.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Publish_posts_the_envelope_to_the_queue_with_a_bearer_token_for_service_bus()
    {
        var message = NotificationSamples.Message(NotificationSamples.PhpEscapedBody);
        var publisher = ManagedIdentityPublisher();

        await publisher.PublishAsync(message, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal(201, request.AnsweredWith);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/{Queue}/messages", request.Path);
        Assert.Equal($"Bearer {_credential.Token}", request.Header("Authorization"));
        Assert.All(_credential.RequestedScopes, scopes => Assert.Equal(["https://servicebus.azure.net/.default"], scopes));
        Assert.NotEmpty(_credential.RequestedScopes);
        Assert.Equal("application/json; charset=utf-8", request.Header("Content-Type"));
        Assert.Equal(message.Envelope.ToArray(), request.Body);
    }

    [Fact]
    public async Task Publish_sets_broker_properties_and_custom_properties()
    {
        var message = NotificationSamples.Message();
        var publisher = ManagedIdentityPublisher();

        await publisher.PublishAsync(message, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        using var broker = JsonDocument.Parse(request.Header("BrokerProperties")!);
        Assert.Equal(
            ["MessageId", "ContentType", "Label", "CorrelationId"],
            broker.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(message.MessageId, broker.RootElement.GetProperty("MessageId").GetString());
        Assert.Equal("application/json", broker.RootElement.GetProperty("ContentType").GetString());
        Assert.Equal("payment-notification", broker.RootElement.GetProperty("Label").GetString());
        Assert.Equal("abcdefgh0017", broker.RootElement.GetProperty("CorrelationId").GetString());

        Assert.Equal("\"QoinSnap\"", request.Header("PartnerId"));
        Assert.Equal("\"41807553358950093184162180797837\"", request.Header("ExternalId"));
        Assert.Equal("\"95221\"", request.Header("ChannelId"));
        Assert.Equal("\"00\"", request.Header("LatestTransactionStatus"));
        Assert.Equal("\"T24080000027\"", request.Header("OriginalReferenceNo"));
        Assert.Equal("\"1.1\"", request.Header("SchemaVersion"));
    }

    [Fact]
    public async Task A_record_stored_with_an_older_envelope_is_sent_with_that_schema_version()
    {
        // A 1.0 record written before an upgrade and published later by the relay or an operator.
        var current = NotificationSamples.Message();
        var stored = Encoding.UTF8.GetString(current.Envelope.Span).Replace("\"schemaVersion\":\"1.1\"", "\"schemaVersion\":\"1.0\"", StringComparison.Ordinal);
        Assert.Contains("\"schemaVersion\":\"1.0\"", stored, StringComparison.Ordinal);
        var message = current with { Envelope = Encoding.UTF8.GetBytes(stored) };

        await ManagedIdentityPublisher().PublishAsync(message, CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("\"1.0\"", request.Header("SchemaVersion"));
        Assert.Equal(message.Envelope.ToArray(), request.Body);
    }

    [Fact]
    public async Task Custom_property_values_stay_json_strings_whatever_they_contain()
    {
        var input = NotificationSamples.Input() with { ChannelId = "95\"221", PartnerId = "Qoin Snap ü" };
        var publisher = ManagedIdentityPublisher();

        await publisher.PublishAsync(NotificationEnvelope.Create(input), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        Assert.Equal("95\"221", JsonSerializer.Deserialize<string>(request.Header("ChannelId")!));
        Assert.Equal("Qoin Snap ü", JsonSerializer.Deserialize<string>(request.Header("PartnerId")!));
    }

    [Fact]
    public async Task Correlation_id_that_service_bus_would_refuse_is_left_out()
    {
        var input = NotificationSamples.Input() with { OriginalPartnerReferenceNo = new string('r', 129) };
        var publisher = ManagedIdentityPublisher();

        await publisher.PublishAsync(NotificationEnvelope.Create(input), CancellationToken.None);

        using var broker = JsonDocument.Parse(Assert.Single(_server.Requests).Header("BrokerProperties")!);
        Assert.False(broker.RootElement.TryGetProperty("CorrelationId", out _));
    }

    [Fact]
    public async Task Sas_signature_is_an_hmac_of_the_queue_uri_and_expiry_with_the_shared_access_key()
    {
        var publisher = SasPublisher();

        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        var request = Assert.Single(_server.Requests);
        var token = SasToken.Parse(request.Header("Authorization")!);
        Assert.Equal($"https://{Namespace}/{Queue}", token.Resource);
        Assert.Equal(KeyName, token.KeyName);
        Assert.Equal(_time.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), token.Expiry);
        Assert.Equal(SasToken.Sign(Key, token.EncodedResource, token.Expiry), token.Signature);
    }

    [Fact]
    public async Task Sas_token_is_reused_until_near_expiry_then_renewed()
    {
        var publisher = SasPublisher();

        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(54));
        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        var tokens = _server.Requests.Select(r => r.Header("Authorization")).ToList();
        Assert.Equal(tokens[0], tokens[1]);
        Assert.NotEqual(tokens[1], tokens[2]);
        var renewed = SasToken.Parse(tokens[2]!);
        Assert.Equal(_time.GetUtcNow().AddHours(1).ToUnixTimeSeconds(), renewed.Expiry);
        Assert.Equal(SasToken.Sign(Key, renewed.EncodedResource, renewed.Expiry), renewed.Signature);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    [InlineData(413)]
    public async Task Refusal_throws_without_retrying(int status)
    {
        _server.Script(Reply.Status(status));
        var publisher = SasPublisher();

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Single(_server.Requests);
        Assert.Contains($"HTTP {status}", error.Message, StringComparison.Ordinal);
        Assert.Contains("after 1 attempt(s)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(503)]
    public async Task Transient_failure_is_retried_then_throws(int status)
    {
        _server.Script(Enumerable.Repeat(Reply.Status(status), MaxRetries + 1).ToArray());
        var publisher = SasPublisher();

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Equal(MaxRetries + 1, _server.Requests.Count);
        Assert.All(_server.Requests, r => Assert.Equal(status, r.AnsweredWith));
        Assert.Contains($"after {MaxRetries + 1} attempt(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Time_out_is_retried_then_throws()
    {
        _server.Script(Enumerable.Repeat(Reply.Hanging, MaxRetries + 1).ToArray());
        var publisher = SasPublisher(networkTimeout: TimeSpan.FromMilliseconds(300));

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Equal(MaxRetries + 1, _server.Requests.Count);
        Assert.Contains($"after {MaxRetries + 1} attempt(s)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Success_status_other_than_created_is_not_taken_as_accepted()
    {
        _server.Script(Reply.Status(200));
        var publisher = SasPublisher();

        await Assert.ThrowsAsync<NotificationPublishException>(
            () => publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task Unavailable_once_then_created_publishes_once()
    {
        _server.Script(Reply.Status(503));
        var message = NotificationSamples.Message();
        var publisher = SasPublisher();

        await publisher.PublishAsync(message, CancellationToken.None);

        Assert.Equal([503, 201], _server.Requests.Select(r => r.AnsweredWith));
        var accepted = Assert.Single(_server.Requests, r => r.AnsweredWith == 201);
        Assert.Equal(message.Envelope.ToArray(), accepted.Body);
        Assert.All(_server.Requests, r => Assert.Contains(message.MessageId, r.Header("BrokerProperties"), StringComparison.Ordinal));
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(
            $"Published notification {message.MessageId} to Service Bus queue {Queue}: HTTP 201 after 2 attempt(s) in 0 ms",
            log.Message);
    }

    [Fact]
    public async Task Logs_and_errors_name_the_message_but_never_the_key_token_or_signature()
    {
        var sasPublisher = SasPublisher();
        var bearerPublisher = ManagedIdentityPublisher();
        _server.Script(Reply.Created, Reply.Status(401), Reply.Created, Reply.Status(403));
        var message = NotificationSamples.Message();

        await sasPublisher.PublishAsync(message, CancellationToken.None);
        var sasError = await Assert.ThrowsAsync<NotificationPublishException>(() => sasPublisher.PublishAsync(message, CancellationToken.None));
        await bearerPublisher.PublishAsync(message, CancellationToken.None);
        var bearerError = await Assert.ThrowsAsync<NotificationPublishException>(() => bearerPublisher.PublishAsync(message, CancellationToken.None));

        var sasSignature = SasToken.Parse(_server.Requests[0].Header("Authorization")!).Signature;
        var written = string.Join(
            "\n",
            _logger.Collector.GetSnapshot().Select(r => r.Message + " " + r.Exception)
                .Append(sasError.ToString())
                .Append(bearerError.ToString()));
        Assert.Contains(message.MessageId, written, StringComparison.Ordinal);
        Assert.Equal(4, _logger.Collector.Count);
        Assert.DoesNotContain(Key, written, StringComparison.Ordinal);
        Assert.DoesNotContain(sasSignature, written, StringComparison.Ordinal);
        Assert.DoesNotContain(WebUtility.UrlEncode(sasSignature), written, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessSignature", written, StringComparison.Ordinal);
        Assert.DoesNotContain(_credential.Token, written, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefgh0017", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_publish_failure()
    {
        _server.Script(Reply.Hanging);
        var publisher = SasPublisher(networkTimeout: TimeSpan.FromSeconds(30));
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => publisher.PublishAsync(NotificationSamples.Message(), cancellation.Token));
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void Messages_go_to_the_namespace_unless_an_endpoint_is_given()
    {
        var publisher = new ServiceBusRestPublisher(
            new ServiceBusPublisherOptions { FullyQualifiedNamespace = Namespace, QueueName = "orders/payments" },
            _credential,
            _time,
            _logger);

        Assert.Equal(new Uri($"https://{Namespace}/orders/payments/messages"), publisher.MessagesUri);
    }

    private ServiceBusRestPublisher ManagedIdentityPublisher() => new(
        Options(new ServiceBusPublisherOptions { FullyQualifiedNamespace = Namespace, QueueName = Queue }, TimeSpan.FromSeconds(5)),
        _credential,
        _time,
        _logger);

    private ServiceBusRestPublisher SasPublisher(TimeSpan? networkTimeout = null) => new(
        Options(new ServiceBusPublisherOptions { ConnectionString = ConnectionString, QueueName = Queue }, networkTimeout ?? TimeSpan.FromSeconds(5)),
        credential: null,
        _time,
        _logger);

    private ServiceBusPublisherOptions Options(ServiceBusPublisherOptions options, TimeSpan networkTimeout)
    {
        options.Endpoint = _server.BaseAddress;
        options.ClientOptions.Transport = _server.CreateTransport();
        options.ClientOptions.Retry.MaxRetries = MaxRetries;
        options.ClientOptions.Retry.Delay = TimeSpan.FromMilliseconds(1);
        options.ClientOptions.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        options.ClientOptions.Retry.NetworkTimeout = networkTimeout;
        return options;
    }

    /// <summary>The parts of a Service Bus SAS token, read the way the service reads them.</summary>
    private sealed record SasToken(string EncodedResource, string Resource, string Signature, long Expiry, string KeyName)
    {
        public static SasToken Parse(string header)
        {
            const string Prefix = "SharedAccessSignature ";
            Assert.StartsWith(Prefix, header, StringComparison.Ordinal);
            var fields = header[Prefix.Length..].Split('&')
                .Select(pair => pair.Split('=', 2))
                .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
            Assert.Equal(["sr", "sig", "se", "skn"], fields.Keys);
            return new SasToken(
                fields["sr"],
                WebUtility.UrlDecode(fields["sr"]),
                WebUtility.UrlDecode(fields["sig"]),
                long.Parse(fields["se"], System.Globalization.CultureInfo.InvariantCulture),
                WebUtility.UrlDecode(fields["skn"]));
        }

        /// <summary>Service Bus's rule: HMAC-SHA256 keyed with the key's UTF-8 over "{url-encoded resource}\n{expiry}".</summary>
        public static string Sign(string key, string encodedResource, long expiry) =>
            Convert.ToBase64String(HMACSHA256.HashData(
                Encoding.UTF8.GetBytes(key),
                Encoding.UTF8.GetBytes(encodedResource + "\n" + expiry.ToString(System.Globalization.CultureInfo.InvariantCulture))));
    }
}
