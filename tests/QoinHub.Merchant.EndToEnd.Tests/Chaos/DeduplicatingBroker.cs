using System.Text.Json;
using Microsoft.AspNetCore.Http;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Chaos;

/// <summary>
/// A Service Bus queue as its REST send API shows it (<c>POST /{queue}/messages</c>, 201 = accepted),
/// on plain HTTP at 127.0.0.1, with duplicate detection on the <c>MessageId</c> of
/// <c>BrokerProperties</c> the way Service Bus applies it: a send whose id was accepted before
/// within the window (here: the whole run) is answered 201 and not enqueued. It can also fail
/// every send (503) or lose its answers (enqueue, then cut the connection before answering).
/// </summary>
internal sealed class DeduplicatingBroker : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<EnqueuedMessage> _queue = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private volatile BrokerMode _mode = BrokerMode.Healthy;
    private int _sends;
    private int _accepted;
    private int _dropped;
    private int _refused;
    private int _answersLost;
    private int _unauthenticated;
    private LoopbackWebServer _server = null!;

    private DeduplicatingBroker(string queueName) => QueueName = queueName;

    public string QueueName { get; }

    public int Port => _server.Port;

    public BrokerMode Mode
    {
        get => _mode;
        set => _mode = value;
    }

    /// <summary>Every send that reached the broker, whatever it answered.</summary>
    public int Sends => Volatile.Read(ref _sends);

    /// <summary>Sends answered 201 (first and duplicate alike): what a queue without duplicate detection would hold.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Accepted sends not enqueued because their message id was enqueued before.</summary>
    public int DuplicatesDropped => Volatile.Read(ref _dropped);

    public int Refused => Volatile.Read(ref _refused);

    public int AnswersLost => Volatile.Read(ref _answersLost);

    public int Unauthenticated => Volatile.Read(ref _unauthenticated);

    public IReadOnlyList<EnqueuedMessage> Queue
    {
        get
        {
            lock (_gate)
            {
                return [.. _queue];
            }
        }
    }

    public static async Task<DeduplicatingBroker> StartAsync(string queueName)
    {
        var broker = new DeduplicatingBroker(queueName);
        broker._server = await LoopbackWebServer.StartAsync(broker.HandleAsync);
        return broker;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        Interlocked.Increment(ref _sends);
        if (context.Request.Method != "POST" || context.Request.Path.Value != $"/{QueueName}/messages")
        {
            context.Response.StatusCode = 404;
            return;
        }

        // Only that a SAS token came; its value is a secret and is neither checked nor kept.
        if (!context.Request.Headers.Authorization.ToString().StartsWith("SharedAccessSignature ", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _unauthenticated);
            context.Response.StatusCode = 401;
            return;
        }

        var mode = _mode;
        if (mode == BrokerMode.Failing)
        {
            Interlocked.Increment(ref _refused);
            context.Response.StatusCode = 503;
            return;
        }

        string messageId;
        try
        {
            using var properties = JsonDocument.Parse(context.Request.Headers["BrokerProperties"].ToString());
            messageId = properties.RootElement.GetProperty("MessageId").GetString() ?? string.Empty;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            context.Response.StatusCode = 400;
            return;
        }

        Interlocked.Increment(ref _accepted);
        lock (_gate)
        {
            if (_seen.Add(messageId))
            {
                _queue.Add(new EnqueuedMessage(messageId, body.ToArray()));
            }
            else
            {
                _dropped++;
            }
        }

        if (mode == BrokerMode.LosingAnswers)
        {
            // Accepted, but the sender never hears it: it must count the send as failed and try again.
            Interlocked.Increment(ref _answersLost);
            context.Abort();
            return;
        }

        context.Response.StatusCode = 201;
    }
}

internal enum BrokerMode
{
    Healthy,

    /// <summary>Every send is answered 503.</summary>
    Failing,

    /// <summary>Every send is accepted and its connection cut before the answer.</summary>
    LosingAnswers,
}

internal sealed record EnqueuedMessage(string MessageId, byte[] Body);
