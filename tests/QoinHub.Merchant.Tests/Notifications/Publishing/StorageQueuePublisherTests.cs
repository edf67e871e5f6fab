using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Testing;
using QoinHub.Merchant.AzureAdapters.StorageQueues;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Notifications.Publishing;

/// <summary>The local publisher against Azurite: what a queue-triggered consumer will find.</summary>
public sealed class StorageQueuePublisherTests
{
    private readonly FakeLogger<StorageQueuePublisher> _logger = new();

    [Fact]
    public async Task Published_message_arrives_once_and_decodes_to_the_envelope()
    {
        var queueName = UniqueQueueName();
        var reader = new QueueClient(AzuriteServer.Instance.ConnectionString, queueName, new QueueClientOptions(StorageQueuePublisher.PinnedServiceVersion));
        var message = NotificationSamples.Message(NotificationSamples.UnicodeBody);
        var publisher = new StorageQueuePublisher(Options(AzuriteServer.Instance.ConnectionString, queueName), credential: null, _logger);
        Assert.False(await reader.ExistsAsync(), "The queue should not exist before the first publish.");

        await publisher.PublishAsync(message, CancellationToken.None);

        Assert.True(await reader.ExistsAsync(), "The queue should be created on first use.");
        var received = (await reader.ReceiveMessagesAsync(maxMessages: 32)).Value;
        var single = Assert.Single(received);

        // Read without the client's decoding: the raw text on the queue must be the Base64 of the envelope.
        Assert.Equal(Convert.ToBase64String(message.Envelope.Span), single.Body.ToString());
        Assert.Equal(message.Envelope.ToArray(), Convert.FromBase64String(single.Body.ToString()));
        Assert.Equal(9999, single.ExpiresOn!.Value.Year);
        Assert.Contains(_logger.Collector.GetSnapshot(), r => r.Message.Contains(message.MessageId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Queue_is_created_once_not_per_message()
    {
        var queueName = UniqueQueueName();
        var requests = new RequestLog();
        var options = Options(AzuriteServer.Instance.ConnectionString, queueName);
        options.ConfigureClientOptions += client => client.AddPolicy(requests, HttpPipelinePosition.PerCall);
        var publisher = new StorageQueuePublisher(options, credential: null, _logger);

        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None)));
        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        Assert.Equal(1, requests.Count("PUT", $"/{queueName}"));
        Assert.Equal(4, requests.Count("POST", $"/{queueName}/messages"));
        var reader = new QueueClient(AzuriteServer.Instance.ConnectionString, queueName);
        Assert.Equal(4, (await reader.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Unreachable_storage_throws()
    {
        var port = ClosedLoopbackPort();
        var connectionString =
            $"DefaultEndpointsProtocol=http;AccountName={AzuriteServer.AccountName};AccountKey={AzuriteServer.AccountKey};" +
            $"QueueEndpoint=http://127.0.0.1:{port}/{AzuriteServer.AccountName};";
        var publisher = new StorageQueuePublisher(Options(connectionString, UniqueQueueName()), credential: null, _logger);

        var error = await Assert.ThrowsAsync<NotificationPublishException>(
            () => publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None));

        Assert.IsType<AggregateException>(error.InnerException);
        Assert.All(((AggregateException)error.InnerException!).InnerExceptions, e => Assert.Equal(0, Assert.IsType<RequestFailedException>(e).Status));
    }

    [Fact]
    public async Task Queue_created_after_a_failed_first_attempt_is_used()
    {
        var queueName = UniqueQueueName();
        var failFirst = new FailFirstRequest();
        var options = Options(AzuriteServer.Instance.ConnectionString, queueName);
        options.ConfigureClientOptions += client => client.AddPolicy(failFirst, HttpPipelinePosition.PerRetry);
        var publisher = new StorageQueuePublisher(options, credential: null, _logger);

        await Assert.ThrowsAsync<NotificationPublishException>(() => publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None));
        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        var reader = new QueueClient(AzuriteServer.Instance.ConnectionString, queueName);
        Assert.Equal(1, (await reader.GetPropertiesAsync()).Value.ApproximateMessagesCount);
    }

    [Fact]
    public async Task Pinned_service_version_is_accepted_by_azurite_without_skipping_its_version_check()
    {
        using var azurite = StrictAzuriteQueue.Start();
        var queueName = UniqueQueueName();
        var publisher = new StorageQueuePublisher(Options(azurite.ConnectionString, queueName), credential: null, _logger);

        await publisher.PublishAsync(NotificationSamples.Message(), CancellationToken.None);

        var reader = new QueueClient(azurite.ConnectionString, queueName, new QueueClientOptions(StorageQueuePublisher.PinnedServiceVersion));
        Assert.Single((await reader.ReceiveMessagesAsync(maxMessages: 32)).Value);

        // The pin matters: the library's own default version is newer than this Azurite accepts.
        var unpinned = new QueueClient(azurite.ConnectionString, UniqueQueueName(), Fast(new QueueClientOptions()));
        var refused = await Assert.ThrowsAsync<RequestFailedException>(() => unpinned.CreateIfNotExistsAsync());
        Assert.Equal(400, refused.Status);
    }

    private static StorageQueuePublisherOptions Options(string connectionString, string queueName) => new()
    {
        ConnectionString = connectionString,
        QueueName = queueName,
        ConfigureClientOptions = client => Fast(client),
    };

    private static QueueClientOptions Fast(QueueClientOptions client)
    {
        client.Retry.MaxRetries = 1;
        client.Retry.Delay = TimeSpan.FromMilliseconds(1);
        client.Retry.MaxDelay = TimeSpan.FromMilliseconds(5);
        client.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return client;
    }

    private static string UniqueQueueName() => "pn-" + Guid.NewGuid().ToString("N")[..20];

    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Counts requests by method and path, to see what the publisher asked the service for.</summary>
    private sealed class RequestLog : HttpPipelineSynchronousPolicy
    {
        private readonly ConcurrentQueue<(string Method, string Path)> _requests = new();

        public int Count(string method, string pathSuffix) =>
            _requests.Count(r => r.Method == method && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));

        public override void OnSendingRequest(HttpMessage message) =>
            _requests.Enqueue((message.Request.Method.Method, message.Request.Uri.Path));
    }

    /// <summary>Refuses the very first request with a 503 as if the service answered it, then lets everything through.</summary>
    private sealed class FailFirstRequest : HttpPipelinePolicy
    {
        private int _seen;

        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            throw new NotSupportedException("The publisher only sends asynchronously.");

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
            Interlocked.Increment(ref _seen) == 1
                ? throw new RequestFailedException(503, "Injected failure of the first request.")
                : ProcessNextAsync(message, pipeline);
    }
}
