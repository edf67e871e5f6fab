using System.Collections.Concurrent;
using Grpc.Core;

namespace QoinHub.FunctionsHost.Rpc;

/// <summary>
/// The host's side of FunctionRpc: a worker dials in, says who it is (<c>StartStream</c> with the
/// worker id the host gave it), and its stream is handed to the <see cref="WorkerChannel"/> that
/// waits for that id.
/// </summary>
internal sealed class FunctionRpcService(WorkerRegistry registry) : FunctionRpc.FunctionRpcBase
{
    public override async Task EventStream(IAsyncStreamReader<StreamingMessage> requestStream, IServerStreamWriter<StreamingMessage> responseStream, ServerCallContext context)
    {
        if (!await requestStream.MoveNext(context.CancellationToken) || requestStream.Current.StartStream is not { } start)
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.InvalidArgument, "The first message must be StartStream."));
        }

        if (!registry.TryClaim(start.WorkerId, out var channel))
        {
            throw new Grpc.Core.RpcException(new Status(StatusCode.NotFound, $"No worker {start.WorkerId} was started by this host."));
        }

        await channel.RunAsync(requestStream, responseStream, context.CancellationToken);
    }
}

/// <summary>Workers the host started and is waiting for, by worker id.</summary>
internal sealed class WorkerRegistry
{
    private readonly ConcurrentDictionary<string, (WorkerChannel Channel, TaskCompletionSource Connected)> _expected = new(StringComparer.Ordinal);

    /// <summary>Expects a worker with <paramref name="channel"/>'s id; the task completes when it has connected.</summary>
    public Task Expect(WorkerChannel channel)
    {
        var connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _expected[channel.WorkerId] = (channel, connected);
        return connected.Task;
    }

    public bool TryClaim(string workerId, out WorkerChannel channel)
    {
        if (_expected.TryRemove(workerId, out var expected))
        {
            channel = expected.Channel;
            expected.Connected.TrySetResult();
            return true;
        }

        channel = null!;
        return false;
    }
}
