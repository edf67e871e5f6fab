using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// A table that is created lazily: on first use, once. A failed creation is not remembered, so the
/// next call tries again; and when the table disappears under the running app (deleted by hand, a
/// storage account restored), the "table not found" answer resets the created state, the table is
/// created again and the operation is retried once.
/// </summary>
public sealed class LazyTable(TableClient client) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _ready;

    public string Name => client.Name;

    /// <summary>Runs <paramref name="operation"/> on the table, creating it first if needed and once more if it has gone.</summary>
    /// <remarks>
    /// Every read of a row (<c>GetEntity…&lt;TableEntity&gt;</c>, <c>QueryAsync&lt;TableEntity&gt;</c>) makes the
    /// Tables library create the <see cref="TableEntity"/> by reflection (<c>Activator.CreateInstance&lt;T&gt;</c>);
    /// a native build keeps that constructor only when asked to, as here.
    /// </remarks>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    public async Task<T> RunAsync<T>(Func<TableClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var table = await GetAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await operation(table, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (IsTableNotFound(exception))
        {
            Forget();
            table = await GetAsync(cancellationToken).ConfigureAwait(false);
            return await operation(table, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The client, after the table was created (once).</summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
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
                await CreateAsync(cancellationToken).ConfigureAwait(false);
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

    /// <summary>Forgets that the table was created: the next call creates it again.</summary>
    internal void Forget() => _ready = false;

    internal static bool IsTableNotFound(RequestFailedException exception) =>
        exception.Status == 404 && string.Equals(exception.ErrorCode, "TableNotFound", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Creates the table unless it exists. Not <c>CreateIfNotExistsAsync</c>: that deserializes the
    /// answer with reflection, which a trimmed or native build does not have; a plain create that
    /// treats "already exists" as success needs no answer body.
    /// </summary>
    private async Task CreateAsync(CancellationToken cancellationToken)
    {
        try
        {
            await client.CreateAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException exception) when (exception.Status == 409)
        {
            // TableAlreadyExists, or TableBeingDeleted, which the next call's retry outlives.
        }
    }
}
