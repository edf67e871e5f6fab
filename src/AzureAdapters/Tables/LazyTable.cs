using Azure.Data.Tables;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// A table that is created lazily: on first use, once. A failed creation is not
/// remembered, so the next request tries again instead of failing until restart.
/// </summary>
public sealed class LazyTable(TableClient client) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public async ValueTask<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (_ready)
        {
            return client;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_ready)
            {
                await client.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                _ready = true;
            }
        }
        finally
        {
            _gate.Release();
        }

        return client;
    }

    public void Dispose() => _gate.Dispose();
}
