using System.Diagnostics;
using Azure.Core;
using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Sends each notification to a Service Bus queue with Azure.Messaging.ServiceBus: one
/// <see cref="ServiceBusClient"/> (AMQP, on the app's <see cref="TokenCredential"/>, or a connection
/// string for local runs and tests) and one <see cref="ServiceBusSender"/>, shared by the requests,
/// the outbox relay and the operator tool's republish. A send is accepted when Service Bus settles
/// it as accepted; nothing else counts. Its health check attaches a sender link of its own (the
/// token put on <c>$cbs</c> and the link accepted). Thread-safe; register one instance.
/// </summary>
public sealed partial class ServiceBusPublisher : INotificationPublisher, IDependencyCheck, IAsyncDisposable
{
    /// <summary>The token scope of Service Bus data-plane calls.</summary>
    public const string Scope = "https://servicebus.azure.net/.default";

    /// <summary>The message's Subject (the REST API's Label), for subscriptions and filters.</summary>
    public const string Subject = "payment-notification";

    /// <summary>The application property the Service Bus SDKs read a message's trace context from.</summary>
    public const string DiagnosticIdProperty = "Diagnostic-Id";

    /// <summary>The same trace context under its W3C name.</summary>
    public const string TraceParentProperty = "traceparent";

    /// <summary>Service Bus refuses longer MessageId and CorrelationId values.</summary>
    private const int MaxIdLength = 128;

    private readonly ServiceBusClient _client;
    private readonly ServiceBusSender _sender;
    private readonly string _queueName;
    private readonly TimeSpan _publishTimeout;
    private readonly ILogger _logger;

    /// <param name="credential">Used when <paramref name="options"/> has no connection string; required then.</param>
    /// <exception cref="InvalidOperationException">The options do not say where to send or how to authenticate; the message names the setting and never the key.</exception>
    public ServiceBusPublisher(ServiceBusPublisherOptions options, TokenCredential? credential, ILogger<ServiceBusPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        var target = ServiceBusTarget.From(options);
        _queueName = target.QueueName;
        _publishTimeout = options.PublishTimeout;
        TryTimeout = options.TryTimeout;
        MaxRetries = options.MaxRetries;
        _logger = logger;

        var clientOptions = new ServiceBusClientOptions
        {
            TransportType = ServiceBusTransportType.AmqpTcp,
            RetryOptions = new ServiceBusRetryOptions { CustomRetryPolicy = new PublishRetryPolicy(options), TryTimeout = options.TryTimeout },
            CustomEndpointAddress = options.CustomEndpointAddress,
            CertificateValidationCallback = options.CertificateValidationCallback,
        };
        _client = target.ConnectionString is { } connectionString
            ? new ServiceBusClient(connectionString, clientOptions)
            : new ServiceBusClient(
                target.FullyQualifiedNamespace,
                credential ?? throw new InvalidOperationException(
                    "ServiceBus:FullyQualifiedNamespace is set without a connection string, so a TokenCredential (managed identity) is required."),
                clientOptions);
        _sender = _client.CreateSender(_queueName);
    }

    /// <summary>The namespace messages go to.</summary>
    public string FullyQualifiedNamespace => _client.FullyQualifiedNamespace;

    /// <summary>The queue messages go to.</summary>
    public string QueueName => _queueName;

    /// <summary>How long one attempt may take.</summary>
    public TimeSpan TryTimeout { get; }

    /// <summary>Attempts after the first, for a transient failure other than server-busy.</summary>
    public int MaxRetries { get; }

    /// <summary>The bound on one publish, retries included.</summary>
    public TimeSpan PublishTimeout => _publishTimeout;

    /// <inheritdoc/>
    public string MessagingSystem => "servicebus";

    /// <summary>The name of the publish target in the health report.</summary>
    public string Name => "serviceBus";

    /// <exception cref="NotificationPublishException">Service Bus did not accept the message within the publish time-out, after retries where a retry can help.</exception>
    public async Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        var started = Stopwatch.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_publishTimeout);
        try
        {
            await _sender.SendMessageAsync(ToServiceBusMessage(message), deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            var elapsedMs = ElapsedMs(started);
            var reason = ReasonOf(e);
            LogFailed(_logger, message.MessageId, _queueName, reason, elapsedMs, e);
            throw new NotificationPublishException(
                $"Service Bus queue '{_queueName}' did not accept message {message.MessageId} ({reason}) after {elapsedMs} ms.", e);
        }

        var publishedAfterMs = ElapsedMs(started);
        LogPublished(_logger, message.MessageId, _queueName, publishedAfterMs);
    }

    /// <summary>
    /// Attaches a sender link of its own to the queue on the shared connection (the connection
    /// opened if it is not, the token put on <c>$cbs</c> and accepted, the link accepted with its
    /// max-message-size), then closes it. Nothing is sent. Up when all of that succeeds; down with
    /// the reason otherwise. <see cref="DependencyHealth"/> bounds the time it may take.
    /// </summary>
    public async Task<DependencyCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var probe = _client.CreateSender(_queueName);
        try
        {
            using var batch = await probe.CreateMessageBatchAsync(cancellationToken).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            return DependencyCheckResult.Up();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return DependencyCheckResult.Down(ReasonOf(e));
        }
        finally
        {
            // Not awaited when the check was cut short: closing a link still opening waits for it.
            var closing = probe.DisposeAsync().AsTask();
            if (!cancellationToken.IsCancellationRequested)
            {
                await closing.ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _sender.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The Service Bus message of a notification: the envelope as body, ids and routing fields as properties.</summary>
    internal static ServiceBusMessage ToServiceBusMessage(NotificationMessage message)
    {
        var sent = new ServiceBusMessage(message.Envelope)
        {
            MessageId = message.MessageId,
            ContentType = NotificationEnvelope.ContentType,
            Subject = Subject,

            // A CorrelationId that Service Bus would refuse must not make the notification unpublishable.
            CorrelationId = message.OriginalPartnerReferenceNo.Length is > 0 and <= MaxIdLength ? message.OriginalPartnerReferenceNo : null,
        };
        var properties = sent.ApplicationProperties;
        properties["PartnerId"] = message.PartnerId;
        properties["ExternalId"] = message.ExternalId;
        properties["ChannelId"] = message.ChannelId;
        properties["LatestTransactionStatus"] = message.LatestTransactionStatus;
        properties["OriginalReferenceNo"] = message.OriginalReferenceNo;
        properties["SchemaVersion"] = message.SchemaVersion;
        if (message.TraceParent is { } traceParent)
        {
            // The receipt's trace context, as the Service Bus SDKs carry it (Diagnostic-Id; set here,
            // the SDK leaves it alone) and as W3C names it, so that a consumer's processing joins the
            // trace of QoinHub's call.
            properties[DiagnosticIdProperty] = traceParent;
            properties[TraceParentProperty] = traceParent;
        }

        return sent;
    }

    /// <summary>A short reason for logs and the health report: the SDK's failure reason, never a connection string or token.</summary>
    private static string ReasonOf(Exception exception) => exception switch
    {
        ServiceBusException serviceBus => $"{serviceBus.Reason}{(serviceBus.IsTransient ? ", transient" : string.Empty)}",
        UnauthorizedAccessException => "unauthorized: the token or key was refused",
        OperationCanceledException or TaskCanceledException => "no answer within the publish time-out",
        _ => DependencyFailure.Describe(exception),
    };

    private static long ElapsedMs(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;

    [LoggerMessage(EventId = LogEvents.ServiceBusPublished, Level = LogLevel.Information,
        Message = "Published notification {MessageId} to Service Bus queue {Queue} in {ElapsedMs} ms")]
    private static partial void LogPublished(ILogger logger, string messageId, string queue, long elapsedMs);

    [LoggerMessage(EventId = LogEvents.ServiceBusFailed, Level = LogLevel.Error,
        Message = "Service Bus queue {Queue} did not accept notification {MessageId}: {Reason} after {ElapsedMs} ms")]
    private static partial void LogFailed(ILogger logger, string messageId, string queue, string reason, long elapsedMs, Exception exception);
}
