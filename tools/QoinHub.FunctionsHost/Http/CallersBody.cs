namespace QoinHub.FunctionsHost.Http;

/// <summary>
/// The caller's body as the forward reads it, remembering why reading it failed. Whatever breaks
/// there (malformed chunks, a chunk size that overflows, a body cut short or too slow) is the
/// caller's fault, never the worker's, whichever exception Kestrel chose to report it with.
/// </summary>
internal sealed class CallersBody(Stream inner) : Stream
{
    /// <summary>The first failure reading the caller's body, if any.</summary>
    public Exception? Fault { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (Exception exception)
        {
            Fault ??= exception;
            throw;
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        try
        {
            return inner.Read(buffer, offset, count);
        }
        catch (Exception exception)
        {
            Fault ??= exception;
            throw;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
