using QoinHub.Simulator.Credentials;

namespace QoinHub.Simulator.Protocol;

/// <summary>
/// One token shared by concurrent senders and renewed before it expires (see
/// <see cref="ObtainedToken.RefreshAt"/>), so short token lifetimes do not turn into 401s.
/// </summary>
public sealed class AccessTokenCache(AccessTokenClient client, SimulatedPartner partner, TimeProvider clock) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ObtainedToken? _current;
    private int _obtained;

    public int TokensObtained => Volatile.Read(ref _obtained);

    /// <summary>Invoked with each newly obtained token (the load command records them as sensitive).</summary>
    public event Action<ObtainedToken>? Obtained;

    public async ValueTask<string> GetAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current && clock.GetUtcNow() < current.RefreshAt)
        {
            return current.AccessToken;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_current is { } renewed && clock.GetUtcNow() < renewed.RefreshAt)
            {
                return renewed.AccessToken;
            }

            var token = await client.ObtainAsync(partner, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _obtained);
            Obtained?.Invoke(token);
            _current = token;
            return token.AccessToken;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
