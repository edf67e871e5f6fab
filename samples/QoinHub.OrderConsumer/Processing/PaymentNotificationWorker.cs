using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace QoinHub.OrderConsumer.Processing;

/// <summary>
/// Runs a <see cref="ServiceBusProcessor"/> on the queue for as long as the host runs: peek-lock,
/// <c>AutoCompleteMessages = false</c> (the consumer settles each message itself), the configured
/// concurrency, prefetch and lock renewal. Stopping waits for the messages in hand to be settled.
/// </summary>
public sealed partial class PaymentNotificationWorker : IHostedService, IAsyncDisposable
{
    private readonly ServiceBusProcessor _processor;
    private readonly OrderConsumerOptions _options;
    private readonly ILogger<PaymentNotificationWorker> _logger;

    public PaymentNotificationWorker(
        ServiceBusClient client,
        PaymentNotificationConsumer consumer,
        IOptions<OrderConsumerOptions> options,
        ILogger<PaymentNotificationWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(consumer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options.Value;
        _logger = logger;
        _processor = client.CreateProcessor(_options.QueueName, ProcessorOptionsOf(_options));
        _processor.ProcessMessageAsync += consumer.ProcessAsync;
        _processor.ProcessErrorAsync += consumer.ProcessErrorAsync;
    }

    /// <summary>The processor's settings for these options.</summary>
    public static ServiceBusProcessorOptions ProcessorOptionsOf(OrderConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ServiceBusProcessorOptions
        {
            ReceiveMode = ServiceBusReceiveMode.PeekLock,
            AutoCompleteMessages = false,
            MaxConcurrentCalls = options.MaxConcurrentCalls,
            PrefetchCount = options.PrefetchCount,
            MaxAutoLockRenewalDuration = options.MaxAutoLockRenewalDuration,
        };
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _processor.StartProcessingAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(_logger, _processor.FullyQualifiedNamespace, _options.QueueName, _options.MaxConcurrentCalls);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _processor.StopProcessingAsync(cancellationToken).ConfigureAwait(false);
        LogStopped(_logger, _options.QueueName);
    }

    public ValueTask DisposeAsync() => _processor.DisposeAsync();

    [LoggerMessage(EventId = 10, Level = LogLevel.Information,
        Message = "Consuming payment notifications from {Namespace}/{Queue} ({MaxConcurrentCalls} at a time)")]
    private static partial void LogStarted(ILogger logger, string @namespace, string queue, int maxConcurrentCalls);

    [LoggerMessage(EventId = 11, Level = LogLevel.Information, Message = "Stopped consuming payment notifications from {Queue}")]
    private static partial void LogStopped(ILogger logger, string queue);
}
