using Azure;
using Azure.Core;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.AzureAdapters.StorageQueues;

/// <summary>
/// Publishes notifications to an Azure Storage queue: the local stand-in for Service Bus (Azurite),
/// usable against a real storage account too. Messages are Base64-encoded, the encoding an Azure
/// Functions queue trigger expects by default, and never expire. The queue is created on first use.
/// Its health check asks for the queue's properties. Thread-safe; register one instance.
/// </summary>
public sealed partial class StorageQueuePublisher : INotificationPublisher, IDependencyCheck
{
    /// <summary>
    /// Pinned so that the client never sends a newer <c>x-ms-version</c> than the emulator knows:
    /// Azurite 3.37 accepts versions up to 2026-06-06, the client library would default to a later one.
    /// </summary>
    public const QueueClientOptions.ServiceVersion PinnedServiceVersion = QueueClientOptions.ServiceVersion.V2025_11_05;

    /// <summary>The queue service's limit on one message, after Base64 encoding.</summary>
    public const int MaxEncodedMessageBytes = 64 * 1024;

    /// <summary>-1 seconds: the message never expires (the service's default would drop it after 7 days).</summary>
    private static readonly TimeSpan NeverExpires = TimeSpan.FromSeconds(-1);

    private readonly QueueClient _queue;
    private readonly ILogger _logger;
    private readonly Lock _creationGate = new();
    private Task? _creation;

    /// <param name="credential">Used when <paramref name="options"/> has no connection string; required then.</param>
    /// <exception cref="InvalidOperationException">Neither a connection string nor a queue service URI is set, or the queue name is not valid.</exception>
    public StorageQueuePublisher(StorageQueuePublisherOptions options, TokenCredential? credential, ILogger<StorageQueuePublisher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);

        _logger = logger;
        _queue = CreateQueueClient(options, credential);
    }

    /// <summary>The queue this publisher sends to.</summary>
    public Uri QueueUri => _queue.Uri;

    /// <summary>The client of that queue, for the operator tool's reading of it (<c>queue find</c>).</summary>
    public QueueClient Queue => _queue;

    /// <inheritdoc/>
    public string MessagingSystem => "storage_queue";

    /// <exception cref="NotificationPublishException">The queue could not be created or did not accept the message.</exception>
    public async Task PublishAsync(NotificationMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);

        var encodedLength = (message.Envelope.Length + 2) / 3 * 4;
        if (encodedLength > MaxEncodedMessageBytes)
        {
            throw new NotificationPublishException(
                $"Message {message.MessageId} is {encodedLength} bytes after Base64 encoding; a storage queue message can have at most {MaxEncodedMessageBytes}.");
        }

        try
        {
            await SendAsync(message, firstTry: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (IsQueueNotFound(e))
        {
            // Deleted since we created it: create it again and send once more.
            ForgetCreation();
            await SendAsync(message, firstTry: false, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The name of the publish target in the health report.</summary>
    public string Name => "queue";

    /// <summary>
    /// Gets the queue's properties (metadata and message count; no message is read). A queue that does
    /// not exist (404 <c>QueueNotFound</c>) counts as up: the service answered, and the first publish creates it.
    /// </summary>
    public async Task<DependencyCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queue.GetPropertiesAsync(cancellationToken).ConfigureAwait(false);
            return DependencyCheckResult.Up();
        }
        catch (RequestFailedException e) when (IsQueueNotFound(e))
        {
            return DependencyCheckResult.Up($"queue {_queue.Name} does not exist yet; the first publish creates it");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return DependencyCheckResult.Down(DependencyFailure.Describe(e));
        }
    }

    private static bool IsQueueNotFound(RequestFailedException e) =>
        e.Status == 404 && string.Equals(e.ErrorCode, "QueueNotFound", StringComparison.OrdinalIgnoreCase);

    private async Task SendAsync(NotificationMessage message, bool firstTry, CancellationToken cancellationToken)
    {
        try
        {
            await EnsureQueueExistsAsync(cancellationToken).ConfigureAwait(false);
            var receipt = await _queue.SendMessageAsync(
                BinaryData.FromBytes(message.Envelope), visibilityTimeout: null, timeToLive: NeverExpires, cancellationToken).ConfigureAwait(false);
            LogPublished(_logger, message.MessageId, _queue.Name, receipt.Value.MessageId);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (RequestFailedException e) when (firstTry && IsQueueNotFound(e))
        {
            throw;
        }
        catch (Exception e)
        {
            // Network errors after the client's retries, refusals, or a credential that could not get a token.
            LogFailed(_logger, message.MessageId, _queue.Name, e);
            throw new NotificationPublishException($"Storage queue '{_queue.Name}' did not accept message {message.MessageId}.", e);
        }
    }

    internal static QueueClient CreateQueueClient(StorageQueuePublisherOptions options, TokenCredential? credential)
    {
        var queueName = options.QueueName?.Trim() ?? string.Empty;
        if (!StorageQueueName.IsValid(queueName))
        {
            throw new InvalidOperationException(
                "LocalQueue:Name is not a valid storage queue name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit.");
        }

        // A waiting publish is a QoinHub callback waiting too.
        var clientOptions = new QueueClientOptions(PinnedServiceVersion).WithCallbackRetries();
        options.ConfigureClientOptions?.Invoke(clientOptions);
        clientOptions.MessageEncoding = QueueMessageEncoding.Base64;

        if (!string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            return new QueueClient(options.ConnectionString, queueName, clientOptions);
        }

        if (options.QueueServiceUri is { IsAbsoluteUri: true } serviceUri)
        {
            var queueUri = new Uri(serviceUri.AbsoluteUri.TrimEnd('/') + "/" + queueName);
            return new QueueClient(
                queueUri,
                credential ?? throw new InvalidOperationException("Storage:QueueServiceUri is set without a connection string, so a TokenCredential (managed identity) is required."),
                clientOptions);
        }

        throw new InvalidOperationException("Set Storage:ConnectionString, or Storage:QueueServiceUri (an absolute URI) for managed identity.");
    }

    /// <summary>One creation attempt shared by concurrent callers; a failed attempt is forgotten so the next publish tries again.</summary>
    private Task EnsureQueueExistsAsync(CancellationToken cancellationToken)
    {
        var creation = Volatile.Read(ref _creation);
        if (creation is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_creationGate)
        {
            if (_creation is null || _creation.IsFaulted || _creation.IsCanceled)
            {
                // Not tied to one caller's token: a caller giving up must not fail the others' shared attempt.
                _creation = CreateQueueAsync();
            }

            return _creation.WaitAsync(cancellationToken);
        }
    }

    private async Task CreateQueueAsync()
    {
        try
        {
            await _queue.CreateIfNotExistsAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 403)
        {
            // An identity that may only send (Storage Queue Data Message Sender) cannot create queues;
            // the queue may exist all the same, so let the send decide.
            LogCannotCreate(_logger, _queue.Name, e.ErrorCode);
        }
    }

    private void ForgetCreation()
    {
        lock (_creationGate)
        {
            _creation = null;
        }
    }

    [LoggerMessage(EventId = LogEvents.StorageQueuePublished, Level = LogLevel.Information,
        Message = "Published notification {MessageId} to storage queue {Queue} as queue message {QueueMessageId}")]
    private static partial void LogPublished(ILogger logger, string messageId, string queue, string queueMessageId);

    [LoggerMessage(EventId = LogEvents.StorageQueueFailed, Level = LogLevel.Error,
        Message = "Storage queue {Queue} did not accept notification {MessageId}")]
    private static partial void LogFailed(ILogger logger, string messageId, string queue, Exception exception);

    [LoggerMessage(EventId = LogEvents.StorageQueueCannotCreate, Level = LogLevel.Warning,
        Message = "Not allowed to create storage queue {Queue} ({ErrorCode}); sending on the assumption that it exists")]
    private static partial void LogCannotCreate(ILogger logger, string queue, string? errorCode);
}
