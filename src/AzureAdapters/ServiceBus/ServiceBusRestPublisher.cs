using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.AzureAdapters.ServiceBus;

/// <summary>
/// Sends each notification to a Service Bus queue through the REST API
/// (<c>POST https://{namespace}/{queue}/messages</c>, 201 = accepted) on an Azure.Core pipeline
/// with retries, authenticated with Microsoft Entra ID (managed identity) or a SAS key. Used
/// because the Azure.Messaging.ServiceBus package is not available to this project. Its health
/// check reads the queue's description with the same authentication (<see cref="CheckAsync"/>).
/// Thread-safe; register one instance.
/// </summary>
public sealed partial class ServiceBusRestPublisher : INotificationPublisher, IDependencyCheck
{
    /// <summary>The token scope of Service Bus data-plane calls.</summary>
    public const string Scope = "https://servicebus.azure.net/.default";

    /// <summary>The message's Label (Subject in the AMQP SDKs), for subscriptions and filters.</summary>
    public const string Label = "payment-notification";

    /// <summary>Service Bus refuses longer MessageId and CorrelationId values.</summary>
    private const int MaxIdLength = 128;

    private const int MaxErrorDetailLength = 512;

    /// <summary>The version of the entity-management API the health check reads the queue with.</summary>
    private const string EntityApiVersion = "2021-05";

    /// <summary>The application property the Service Bus SDKs read a message's trace context from.</summary>
    public const string DiagnosticIdProperty = "Diagnostic-Id";

    /// <summary>The same trace context under its W3C name.</summary>
    public const string TraceParentProperty = "traceparent";

    private static readonly string EnvelopeContentType = NotificationEnvelope.ContentType + "; charset=utf-8";

    private readonly HttpPipeline _pipeline;
    private readonly Uri _messagesUri;
    private readonly Uri _queueUri;
    private readonly string _queueName;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <param name="credential">Used when <paramref name="options"/> has no connection string; required then.</param>
    /// <exception cref="InvalidOperationException">The options do not say where to send or how to authenticate.</exception>
    public ServiceBusRestPublisher(
        RestPublisherOptions options,
        TokenCredential? credential,
        TimeProvider timeProvider,
        ILogger<ServiceBusRestPublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);

        _timeProvider = timeProvider;
        _logger = logger;
        var target = RestServiceBusTarget.From(options);
        _queueName = target.QueueName;

        HttpPipelinePolicy authentication;
        if (target.SharedAccessKey is { } sas)
        {
            authentication = new SharedAccessSignaturePolicy(target.ResourceUri, sas.SharedAccessKeyName, sas.SharedAccessKey, timeProvider);
        }
        else
        {
            authentication = new BearerTokenAuthenticationPolicy(
                credential ?? throw new InvalidOperationException(
                    "ServiceBus:FullyQualifiedNamespace is set without a connection string, so a TokenCredential (managed identity) is required."),
                Scope);
        }

        var baseUri = options.Endpoint ?? new Uri($"https://{target.NamespaceHost}/");
        _messagesUri = new Uri(baseUri, EscapePath(_queueName) + "/messages");
        _queueUri = new Uri(baseUri, EscapePath(_queueName) + "?api-version=" + EntityApiVersion);
        _pipeline = HttpPipelineBuilder.Build(
            options.ClientOptions ?? new ServiceBusRestClientOptions(),
            perCallPolicies: [],
            perRetryPolicies: [authentication],
            new ServiceBusSendClassifier());
    }

    /// <summary>The address messages are posted to.</summary>
    public Uri MessagesUri => _messagesUri;

    /// <inheritdoc/>
    public string MessagingSystem => "servicebus";

    /// <exception cref="NotificationPublishException">Service Bus did not answer 201, after retries where a retry can help.</exception>
    public async Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        using var http = _pipeline.CreateMessage();
        var request = http.Request;
        request.Method = RequestMethod.Post;
        request.Uri.Reset(_messagesUri);
        request.Headers.SetValue(HttpHeader.Names.ContentType, EnvelopeContentType);
        request.Headers.SetValue("BrokerProperties", BrokerPropertiesOf(message));
        request.Headers.SetValue("PartnerId", Quoted(message.PartnerId));
        request.Headers.SetValue("ExternalId", Quoted(message.ExternalId));
        request.Headers.SetValue("ChannelId", Quoted(message.ChannelId));
        request.Headers.SetValue("LatestTransactionStatus", Quoted(message.LatestTransactionStatus));
        request.Headers.SetValue("OriginalReferenceNo", Quoted(message.OriginalReferenceNo));
        request.Headers.SetValue("SchemaVersion", Quoted(message.SchemaVersion));
        if (message.TraceParent is { } traceParent)
        {
            // The receipt's trace context, as the Service Bus SDKs carry it (Diagnostic-Id) and as W3C
            // names it, so that a consumer's processing joins the trace of QoinHub's call. The
            // traceparent header is written last, by MessageTraceContextPolicy: Azure.Core writes
            // the HTTP call's own context there first.
            request.Headers.SetValue(DiagnosticIdProperty, Quoted(traceParent));
            http.SetProperty(MessageTraceContextPolicy.PropertyName, Quoted(traceParent));
        }

        request.Content = RequestContent.Create(message.Envelope);

        var started = _timeProvider.GetTimestamp();
        try
        {
            await _pipeline.SendAsync(http, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // Network errors and time-outs after the last retry, or a credential that could not get a token.
            var attempts = AttemptsOf(http);
            var failedAfterMs = ElapsedMs(started);
            LogUnreachable(_logger, message.MessageId, _queueName, attempts, failedAfterMs, e);
            throw new NotificationPublishException(
                $"Service Bus queue '{_queueName}' could not be reached for message {message.MessageId} after {attempts} attempt(s).", e);
        }

        var status = http.Response.Status;
        var tries = AttemptsOf(http);
        var elapsedMs = ElapsedMs(started);
        if (status != 201)
        {
            LogRefused(_logger, message.MessageId, _queueName, status, tries, elapsedMs);
            throw new NotificationPublishException(
                $"Service Bus queue '{_queueName}' answered HTTP {status} to message {message.MessageId} after {tries} attempt(s): {ErrorDetailOf(http.Response)}");
        }

        LogPublished(_logger, message.MessageId, _queueName, status, tries, elapsedMs);
    }

    /// <summary>The name of the publish target in the health report.</summary>
    public string Name => "serviceBus";

    /// <summary>
    /// One authenticated <c>GET</c> of the queue entity (its description; no message is sent or read),
    /// signed as the sends are, tried once. Up when Service Bus returns the queue, or when it accepts
    /// the credentials but refuses the read for want of a right (401/403 "… claim(s) are required"):
    /// the deployed identity may only send (<em>Azure Service Bus Data Sender</em>), and an expired,
    /// forged or foreign token is refused with another reason. Down on any other answer, on a 200
    /// without the queue (Service Bus answers a read of a missing entity with an empty feed), or when
    /// no answer comes.
    /// </summary>
    public async Task<DependencyCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var http = _pipeline.CreateMessage();
        http.ResponseClassifier = SingleTryClassifier.Instance;
        http.Request.Method = RequestMethod.Get;
        http.Request.Uri.Reset(_queueUri);
        try
        {
            await _pipeline.SendAsync(http, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return DependencyCheckResult.Down(DependencyFailure.Describe(e));
        }

        var status = http.Response.Status;
        var content = http.Response.Content?.ToString() ?? string.Empty;
        return status switch
        {
            200 when content.Contains("<entry", StringComparison.OrdinalIgnoreCase) => DependencyCheckResult.Up(),
            200 => DependencyCheckResult.Down($"HTTP 200 without queue {_queueName}: it does not exist"),
            401 or 403 when content.Contains("claim", StringComparison.OrdinalIgnoreCase) =>
                DependencyCheckResult.Up("credentials accepted; this identity may send but not read the queue's description"),
            _ => DependencyCheckResult.Down(DependencyFailure.Status(status, errorCode: null)),
        };
    }

    private static string BrokerPropertiesOf(NotificationMessage message)
    {
        // A CorrelationId that Service Bus would refuse must not make the notification unpublishable.
        var correlationId = message.OriginalPartnerReferenceNo.Length is > 0 and <= MaxIdLength ? message.OriginalPartnerReferenceNo : null;
        return JsonSerializer.Serialize(
            new ServiceBusBrokerProperties(message.MessageId, NotificationEnvelope.ContentType, Label, correlationId),
            ServiceBusHeadersJsonContext.Default.ServiceBusBrokerProperties);
    }

    /// <summary>Custom properties travel as headers whose values are JSON; a quoted string stays a string.</summary>
    private static string Quoted(string value) => JsonSerializer.Serialize(value, ServiceBusHeadersJsonContext.Default.String);

    private static int AttemptsOf(HttpMessage http) => http.ProcessingContext.RetryNumber + 1;

    private long ElapsedMs(long started) => (long)_timeProvider.GetElapsedTime(started).TotalMilliseconds;

    private static string ErrorDetailOf(Response response)
    {
        var content = response.Content?.ToString() ?? string.Empty;
        return content.Length <= MaxErrorDetailLength ? content : content[..MaxErrorDetailLength] + "…";
    }

    private static string EscapePath(string queueName) =>
        string.Join('/', queueName.Split('/').Select(Uri.EscapeDataString));

    [LoggerMessage(EventId = LogEvents.ServiceBusPublished, Level = LogLevel.Information,
        Message = "Published notification {MessageId} to Service Bus queue {Queue}: HTTP {StatusCode} after {Attempts} attempt(s) in {ElapsedMs} ms")]
    private static partial void LogPublished(ILogger logger, string messageId, string queue, int statusCode, int attempts, long elapsedMs);

    [LoggerMessage(EventId = LogEvents.ServiceBusRefused, Level = LogLevel.Error,
        Message = "Service Bus queue {Queue} refused notification {MessageId}: HTTP {StatusCode} after {Attempts} attempt(s) in {ElapsedMs} ms")]
    private static partial void LogRefused(ILogger logger, string messageId, string queue, int statusCode, int attempts, long elapsedMs);

    [LoggerMessage(EventId = LogEvents.ServiceBusFailed, Level = LogLevel.Error,
        Message = "Service Bus queue {Queue} could not be reached for notification {MessageId} after {Attempts} attempt(s) in {ElapsedMs} ms")]
    private static partial void LogUnreachable(ILogger logger, string messageId, string queue, int attempts, long elapsedMs, Exception exception);

    /// <summary>The health check tries once: a retry would only hide, for a while, what the check is asked to tell.</summary>
    private sealed class SingleTryClassifier : ResponseClassifier
    {
        public static readonly SingleTryClassifier Instance = new();

        public override bool IsRetriableResponse(HttpMessage message) => false;

        public override bool IsRetriable(HttpMessage message, Exception exception) => false;
    }
}
