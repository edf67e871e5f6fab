using System.Text;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using QoinHub.Merchant.AzureAdapters.ServiceBus;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Testing.ServiceBus;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>
/// The publisher on Azure.Messaging.ServiceBus against the AMQP stand-in on 127.0.0.1: what a
/// message carries, how each broker answer ends (retried, refused at once, bounded in time), the
/// two ways of authenticating, and what its logs never hold.
/// </summary>
public sealed class ServiceBusPublisherTests : IAsyncLifetime
{
    private const string Queue = "payment-notifications";
    private const int MaxRetries = 2;

    private readonly FakeLogger<ServiceBusPublisher> _logger = new();
    private readonly List<ServiceBusPublisher> _publishers = [];
    private ServiceBusStandIn _broker = null!;

    public Task InitializeAsync()
    {
        _broker = ServiceBusStandIn.Start(null, Queue);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var publisher in _publishers)
        {
            await publisher.DisposeAsync();
        }

        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task Publish_puts_the_envelope_on_the_queue_with_its_ids_and_properties()
    {
        var message = NotificationSamples.Message(NotificationSamples.PhpEscapedBody);

        await Publisher().PublishAsync(message, CancellationToken.None);

        var send = Assert.Single(_broker.Sends);
        Assert.Equal((Queue, SendOutcome.Accepted, false), (send.Queue, send.Outcome, send.Batched));
        var queued = Assert.Single(_broker.Queue(Queue).Active);
        Assert.Equal(message.Envelope.ToArray(), queued.Body);
        Assert.Equal(message.MessageId, queued.MessageId);
        Assert.Equal("application/json", queued.ContentType);
        Assert.Equal("payment-notification", queued.Subject);
        Assert.Equal("abcdefgh0017", queued.CorrelationId);
        Assert.Equal(
            new Dictionary<string, string?>
            {
                ["PartnerId"] = "QoinSnap",
                ["ExternalId"] = "41807553358950093184162180797837",
                ["ChannelId"] = "95221",
                ["LatestTransactionStatus"] = "00",
                ["OriginalReferenceNo"] = "T24080000027",
                ["SchemaVersion"] = "1.1",
            },
            queued.ApplicationProperties.ToDictionary(p => p.Key, p => queued.Property(p.Key)));
    }

    [Fact]
    public async Task Trace_context_of_the_receipt_travels_as_Diagnostic_Id_and_traceparent()
    {
        const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        var message = NotificationEnvelope.Create(NotificationSamples.Input() with { TraceParent = TraceParent });

        await Publisher().PublishAsync(message, CancellationToken.None);

        var queued = Assert.Single(_broker.Queue(Queue).Active);
        Assert.Equal(TraceParent, queued.Property("Diagnostic-Id"));
        Assert.Equal(TraceParent, queued.Property("traceparent"));
    }

    [Fact]
    public async Task A_record_stored_with_an_older_envelope_is_sent_with_that_schema_version()
    {
        // A 1.0 record written before an upgrade and published later by the relay or an operator.
        var current = NotificationSamples.Message();
        var stored = Encoding.UTF8.GetString(current.Envelope.Span).Replace("\"schemaVersion\":\"1.1\"", "\"schemaVersion\":\"1.0\"", StringComparison.Ordinal);
        Assert.Contains("\"schemaVersion\":\"1.0\"", stored, StringComparison.Ordinal);
        var message = current with { Envelope = Encoding.UTF8.GetBytes(stored) };

        await Publisher().PublishAsync(message, CancellationToken.None);

        var queued = Assert.Single(_broker.Queue(Queue).Active);
        Assert.Equal("1.0", queued.Property("SchemaVersion"));
        Assert.Equal(message.Envelope.ToArray(), queued.Body);
    }

    [Fact]
    public async Task Property_values_arrive_as_sent_whatever_they_contain()
    {
        var input = NotificationSamples.Input() with { ChannelId = "95\"221;x=y", PartnerId = "Qoin Snap ü" };

        await Publisher().PublishAsync(NotificationEnvelope.Create(input), CancellationToken.None);

        var queued = Assert.Single(_broker.Queue(Queue).Active);
        Assert.Equal("95\"221;x=y", queued.Property("ChannelId"));
        Assert.Equal("Qoin Snap ü", queued.Property("PartnerId"));
    }

    [Fact]
    public async Task Correlation_id_that_service_bus_would_refuse_is_left_out()
    {
        var input = NotificationSamples.Input() with { OriginalPartnerReferenceNo = new string('r', 129) };

        await Publisher().PublishAsync(NotificationEnvelope.Create(input), CancellationToken.None);

        Assert.Null(Assert.Single(_broker.Queue(Queue).Active).CorrelationId);
    }

    [Fact]
    public async Task Connection_string_authenticates_with_a_sas_token_for_the_queue()
    {
        await Publisher().PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        var token = Assert.Single(_broker.TokenRequests);
        Assert.Equal(("servicebus.windows.net:sastoken", 200), (token.Type, token.StatusCode));
        Assert.EndsWith($"/{Queue}", token.Audience, StringComparison.Ordinal);
        Assert.Equal(0, _broker.UnauthorizedAttaches);
    }

    [Fact]
    public async Task Managed_identity_puts_the_credentials_token_for_service_bus_over_tls()
    {
        using var certificate = LoopbackCertificate.Create();
        await using var broker = ServiceBusStandIn.Start(certificate, Queue);
        var credential = new RecordingTokenCredential("entra-token-" + Guid.NewGuid().ToString("N"));
        broker.AcceptedBearerToken = credential.Token;
        var publisher = Track(new ServiceBusPublisher(
            ManagedIdentityOptions(broker, certificate),
            credential,
            _logger));

        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        Assert.Single(broker.Queue(Queue).Active);
        var token = Assert.Single(broker.TokenRequests);
        Assert.Equal(("jwt", 200), (token.Type, token.StatusCode));
        Assert.NotEmpty(credential.RequestedScopes);
        Assert.All(credential.RequestedScopes, scopes => Assert.Equal([ServiceBusPublisher.Scope], scopes));
    }

    [Fact]
    public async Task Refused_token_fails_the_publish_at_once_and_is_never_written_down()
    {
        using var certificate = LoopbackCertificate.Create();
        await using var broker = ServiceBusStandIn.Start(certificate, Queue);
        var credential = new RecordingTokenCredential("entra-token-" + Guid.NewGuid().ToString("N"));
        broker.AcceptedBearerToken = "another-token";
        var publisher = Track(new ServiceBusPublisher(ManagedIdentityOptions(broker, certificate), credential, _logger));
        var message = NotificationSamples.Message();

        var error = await Assert.ThrowsAsync<NotificationPublishException>(() => publisher.PublishAsync(message, CancellationToken.None));

        Assert.Empty(broker.Sends);
        Assert.All(broker.TokenRequests, token => Assert.Equal(401, token.StatusCode));
        Assert.Contains("unauthorized", error.Message, StringComparison.Ordinal);
        var written = Written(error);
        Assert.Contains(message.MessageId, written, StringComparison.Ordinal);
        Assert.DoesNotContain(credential.Token, written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_queue_fails_the_publish_at_once()
    {
        _broker.DeleteQueue(Queue);

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => Publisher().PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Empty(_broker.Sends);
        Assert.Contains(nameof(ServiceBusFailureReason.MessagingEntityNotFound), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Not_found_answer_to_a_send_is_not_retried()
    {
        _broker.Script(StandInFault.NotFound);

        await Assert.ThrowsAsync<NotificationPublishException>(
            () => Publisher().PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Equal([SendOutcome.Rejected], _broker.Sends.Select(send => send.Outcome));
    }

    [Fact]
    public async Task Internal_error_is_retried_and_the_message_is_enqueued_once()
    {
        _broker.Script(StandInFault.InternalError);
        var message = NotificationSamples.Message();

        await Publisher().PublishAsync(message, CancellationToken.None);

        Assert.Equal([SendOutcome.Rejected, SendOutcome.Accepted], _broker.Sends.Select(send => send.Outcome));
        Assert.Equal(message.MessageId, Assert.Single(_broker.Queue(Queue).Active).MessageId);
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Information, LogEvents.ServiceBusPublished), (log.Level, log.Id.Id));
    }

    [Fact]
    public async Task Internal_error_on_every_try_fails_after_the_configured_retries()
    {
        _broker.EveryDelivery = StandInFault.InternalError;

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => Publisher().PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Equal(MaxRetries + 1, _broker.Sends.Count);
        Assert.All(_broker.Sends, send => Assert.Equal(SendOutcome.Rejected, send.Outcome));
        Assert.Empty(_broker.Queue(Queue).Active);
        Assert.Contains("transient", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_busy_is_not_retried_so_the_caller_hears_at_once()
    {
        // The SDK's own policy would wait 10 s before its retry, whatever delay is configured.
        _broker.Script(StandInFault.ServerBusy);

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => Publisher(publishTimeout: TimeSpan.FromMinutes(2)).PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Equal([SendOutcome.Rejected], _broker.Sends.Select(send => send.Outcome));
        Assert.Contains(nameof(ServiceBusFailureReason.ServiceBusy), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_that_is_never_settled_ends_after_each_try_times_out()
    {
        _broker.EveryDelivery = StandInFault.NeverSettle;

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => Publisher(tryTimeout: TimeSpan.FromSeconds(1), publishTimeout: TimeSpan.FromMinutes(2))
                .PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Equal(MaxRetries + 1, _broker.Sends.Count);
        Assert.All(_broker.Sends, send => Assert.Equal(SendOutcome.NeverSettled, send.Outcome));
        Assert.Contains(nameof(ServiceBusFailureReason.ServiceTimeout), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_timeout_bounds_the_publish_whatever_the_tries_would_take()
    {
        _broker.EveryDelivery = StandInFault.NeverSettle;

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => Publisher(tryTimeout: TimeSpan.FromMinutes(1), publishTimeout: TimeSpan.FromSeconds(1))
                .PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.Single(_broker.Sends);
        Assert.Contains("no answer within the publish time-out", error.Message, StringComparison.Ordinal);
        var log = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Error, LogEvents.ServiceBusFailed), (log.Level, log.Id.Id));
    }

    [Fact]
    public async Task Dropped_connection_is_retried_on_a_new_one()
    {
        _broker.Script(StandInFault.DropConnection);

        await Publisher().PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        Assert.Equal([SendOutcome.Dropped, SendOutcome.Accepted], _broker.Sends.Select(send => send.Outcome));
        Assert.Single(_broker.Queue(Queue).Active);
        Assert.True(_broker.ConnectionsOpened >= 2);
    }

    [Fact]
    public async Task Answer_lost_after_the_broker_took_the_message_duplicates_it_unless_duplicate_detection_is_on()
    {
        var message = NotificationSamples.Message();
        _broker.Script(StandInFault.AcceptThenDrop);
        await Publisher().PublishAsync(message, CancellationToken.None);

        Assert.Equal([SendOutcome.AcceptedAnswerLost, SendOutcome.Accepted], _broker.Sends.Select(send => send.Outcome));
        Assert.Equal(2, _broker.Queue(Queue).Active.Count(queued => queued.MessageId == message.MessageId));

        await using var deduplicating = ServiceBusStandIn.Start(null, Queue);
        deduplicating.DuplicateDetectionWindow = TimeSpan.FromMinutes(10);
        deduplicating.Script(StandInFault.AcceptThenDrop);
        await Publisher(deduplicating).PublishAsync(message, CancellationToken.None);

        Assert.Equal([SendOutcome.AcceptedAnswerLost, SendOutcome.DuplicateDropped], deduplicating.Sends.Select(send => send.Outcome));
        Assert.Single(deduplicating.Queue(Queue).Active);
    }

    [Fact]
    public async Task Logs_and_errors_name_the_message_but_never_the_key()
    {
        var publisher = Publisher();
        var message = NotificationSamples.Message();
        await publisher.PublishAsync(message, CancellationToken.None);
        _broker.EveryDelivery = StandInFault.InternalError;
        var error = await Assert.ThrowsAsync<NotificationPublishException>(() => publisher.PublishAsync(message, CancellationToken.None));

        var written = Written(error);
        Assert.Equal(2, _logger.Collector.Count);
        Assert.Contains(message.MessageId, written, StringComparison.Ordinal);
        Assert.DoesNotContain(ServiceBusStandIn.SharedAccessKey, written, StringComparison.Ordinal);
        Assert.DoesNotContain("SharedAccessSignature", written, StringComparison.Ordinal);
        Assert.DoesNotContain("abcdefgh0017", written, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_publish_failure()
    {
        var never = new TaskCompletionSource();
        var hold = StandInFault.Hold(never.Task);
        _broker.Script(hold);
        using var cancellation = new CancellationTokenSource();
        var publishing = Publisher(publishTimeout: TimeSpan.FromMinutes(2)).PublishAsync(NotificationSamples.Message(), cancellation.Token);

        await hold.Arrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publishing);
        Assert.Empty(_logger.Collector.GetSnapshot());
        never.SetResult();
    }

    [Fact]
    public async Task Health_check_attaches_a_link_without_sending()
    {
        var result = await Publisher().CheckAsync(CancellationToken.None);

        Assert.True(result.IsUp, result.Reason);
        Assert.Empty(_broker.Sends);
        Assert.Single(_broker.TokenRequests);
    }

    [Fact]
    public async Task Health_check_is_down_naming_the_reason_when_the_queue_is_missing_or_the_token_refused()
    {
        _broker.DeleteQueue(Queue);
        var missing = await Publisher().CheckAsync(CancellationToken.None);

        _broker.CreateQueue(Queue);
        _broker.RefuseTokens = true;
        var refused = await Publisher().CheckAsync(CancellationToken.None);

        Assert.False(missing.IsUp);
        Assert.Contains(nameof(ServiceBusFailureReason.MessagingEntityNotFound), missing.Reason, StringComparison.Ordinal);
        Assert.False(refused.IsUp);
        Assert.Contains("unauthorized", refused.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(ServiceBusStandIn.SharedAccessKey, refused.Reason, StringComparison.Ordinal);
    }

    private ServiceBusPublisher Publisher(ServiceBusStandIn? broker = null, TimeSpan? tryTimeout = null, TimeSpan? publishTimeout = null) =>
        Track(new ServiceBusPublisher(
            new ServiceBusPublisherOptions
            {
                ConnectionString = (broker ?? _broker).ConnectionString,
                QueueName = Queue,
                MaxRetries = MaxRetries,
                RetryDelay = TimeSpan.FromMilliseconds(10),
                MaxRetryDelay = TimeSpan.FromMilliseconds(50),
                TryTimeout = tryTimeout ?? TimeSpan.FromSeconds(10),
                PublishTimeout = publishTimeout ?? TimeSpan.FromSeconds(60),
            },
            credential: null,
            _logger));

    private static ServiceBusPublisherOptions ManagedIdentityOptions(ServiceBusStandIn broker, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate) => new()
    {
        FullyQualifiedNamespace = "qoinhub-test.servicebus.windows.net",
        QueueName = Queue,
        CustomEndpointAddress = broker.CustomEndpointAddress,
        CertificateValidationCallback = LoopbackCertificate.TrustOnly(certificate),
        MaxRetries = MaxRetries,
        RetryDelay = TimeSpan.FromMilliseconds(10),
        TryTimeout = TimeSpan.FromSeconds(10),
    };

    private ServiceBusPublisher Track(ServiceBusPublisher publisher)
    {
        _publishers.Add(publisher);
        return publisher;
    }

    private string Written(Exception error) => string.Join(
        "\n",
        _logger.Collector.GetSnapshot().Select(record => record.Message + " " + record.Exception).Append(error.ToString()));
}
