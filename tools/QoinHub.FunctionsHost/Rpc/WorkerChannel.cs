using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;

namespace QoinHub.FunctionsHost.Rpc;

/// <summary>
/// One worker's event stream: messages to the worker go through one writer (a gRPC stream takes
/// one write at a time), answers are paired with what asked for them, and the worker's logs go to
/// <see cref="Log"/>.
/// </summary>
internal sealed class WorkerChannel
{
    private readonly Channel<StreamingMessage> _outgoing = Channel.CreateUnbounded<StreamingMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<StreamingMessage>> _waiting = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WorkerChannel(string workerId) => WorkerId = workerId;

    public string WorkerId { get; }

    /// <summary>Receives every <see cref="RpcLog"/> the worker sends.</summary>
    public Action<RpcLog>? Log { get; set; }

    /// <summary>Completes when the stream has ended (the worker went away or the host stopped).</summary>
    public Task Closed => _closed.Task;

    /// <summary>Pumps the stream until either side ends it.</summary>
    public async Task RunAsync(IAsyncStreamReader<StreamingMessage> requests, IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = WriteAsync(responses, stop.Token);
        try
        {
            while (await requests.MoveNext(stop.Token))
            {
                Receive(requests.Current);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or Grpc.Core.RpcException)
        {
            // The worker went away, or the host is stopping.
        }
        finally
        {
            _outgoing.Writer.TryComplete();
            await stop.CancelAsync();
            try
            {
                await writing;
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException or Grpc.Core.RpcException or InvalidOperationException)
            {
            }

            foreach (var waiter in _waiting.Values)
            {
                waiter.TrySetException(new WorkerGoneException("The worker's event stream ended."));
            }

            _closed.TrySetResult();
        }
    }

    /// <summary>Sends <paramref name="message"/> without waiting for an answer.</summary>
    public void Send(StreamingMessage message)
    {
        if (!_outgoing.Writer.TryWrite(message))
        {
            throw new WorkerGoneException("The worker's event stream has ended.");
        }
    }

    /// <summary>Sends <paramref name="message"/> and waits for the answer that carries <paramref name="key"/> (see <see cref="KeyOf"/>).</summary>
    public async Task<StreamingMessage> AskAsync(StreamingMessage message, string key, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var answer = Expect(key);
        Send(message);
        try
        {
            return await answer.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _waiting.TryRemove(key, out _);
            throw new TimeoutException($"The worker did not answer {message.ContentCase} within {timeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>Registers interest in the answer that carries <paramref name="key"/>; the task completes when it arrives.</summary>
    public Task<StreamingMessage> Expect(string key)
    {
        var waiter = new TaskCompletionSource<StreamingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_waiting.TryAdd(key, waiter))
        {
            throw new InvalidOperationException($"Already waiting for {key}.");
        }

        if (_closed.Task.IsCompleted)
        {
            _waiting.TryRemove(key, out _);
            waiter.TrySetException(new WorkerGoneException("The worker's event stream has ended."));
        }

        return waiter.Task;
    }

    /// <summary>The key an answer is paired by: its kind, and the invocation or function it is about.</summary>
    public static string KeyOf(StreamingMessage.ContentOneofCase kind, string? id = null) => id is null ? kind.ToString() : $"{kind}:{id}";

    private void Receive(StreamingMessage message)
    {
        var key = message.ContentCase switch
        {
            StreamingMessage.ContentOneofCase.RpcLog => null,
            StreamingMessage.ContentOneofCase.InvocationResponse => KeyOf(message.ContentCase, message.InvocationResponse.InvocationId),
            StreamingMessage.ContentOneofCase.FunctionLoadResponse => KeyOf(message.ContentCase, message.FunctionLoadResponse.FunctionId),
            _ => KeyOf(message.ContentCase),
        };
        if (key is null)
        {
            Log?.Invoke(message.RpcLog);
            return;
        }

        if (_waiting.TryRemove(key, out var waiter))
        {
            waiter.TrySetResult(message);
        }
    }

    private async Task WriteAsync(IServerStreamWriter<StreamingMessage> responses, CancellationToken cancellationToken)
    {
        await foreach (var message in _outgoing.Reader.ReadAllAsync(cancellationToken))
        {
            await responses.WriteAsync(message, cancellationToken);
        }
    }
}

/// <summary>The worker's event stream ended while something still needed it.</summary>
public sealed class WorkerGoneException(string message) : Exception(message);
