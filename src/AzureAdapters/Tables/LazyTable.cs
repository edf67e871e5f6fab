using System.Diagnostics.CodeAnalysis;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// A table that is created lazily, when the service says it is missing. Operations run as if the
/// table existed, which it does for every instance but the very first on new storage: a new
/// process's first write costs one round trip, not a creation and then the write. When an operation
/// is answered "table not found" (first use on new storage, or the table deleted under the running
/// app by hand or by a restore), the table is created and the operation retried once. A failed
/// creation is not remembered, so the next call tries again. A point read of a missing table finds
/// no row, which is the truth, and creates nothing. When the table service cannot be reached at all,
/// a warning names the table and <paramref name="setting"/>, the setting that says where it is.
/// </summary>
public sealed partial class LazyTable(TableClient client, ILogger<LazyTable>? logger = null, string setting = "Storage__ConnectionString") : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _missing;

    public string Name => client.Name;

    /// <summary>The client as it is, whether or not the table was created: for a check that must not create it.</summary>
    internal TableClient Client => client;

    /// <summary>Runs <paramref name="operation"/> on the table; when the table is missing, creates it and runs the operation once more.</summary>
    /// <remarks>
    /// Every read of a row (<c>GetEntity…&lt;TableEntity&gt;</c>, <c>QueryAsync&lt;TableEntity&gt;</c>) makes the
    /// Tables library create the <see cref="TableEntity"/> by reflection (<c>Activator.CreateInstance&lt;T&gt;</c>);
    /// a native build keeps that constructor only when asked to, as here.
    /// </remarks>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    public async Task<T> RunAsync<T>(Func<TableClient, CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        try
        {
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
        catch (Exception exception) when (LogIfUnreachable(exception, cancellationToken))
        {
            // Never reached: the filter only logs.
            throw;
        }
    }

    /// <summary>Logs a warning when <paramref name="exception"/> says the service did not answer at all; always false (the exception goes on).</summary>
    private bool LogIfUnreachable(Exception exception, CancellationToken cancellationToken)
    {
        if (logger is not null && !cancellationToken.IsCancellationRequested && Unreachable(exception) is { } reason)
        {
            LogUnreachable(logger, client.Name, client.Uri.GetLeftPart(UriPartial.Authority), reason, setting);
        }

        return false;
    }

    /// <summary>The transport's reason when no answer came (refused, reset, timed out, name not resolved); null for an answer of the service.</summary>
    private static string? Unreachable(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case System.Net.Sockets.SocketException socket:
                    return socket.SocketErrorCode.ToString();
                case HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http:
                    return http.HttpRequestError.ToString();
                case TimeoutException or TaskCanceledException:
                    return "no answer in time";
                case RequestFailedException { Status: > 0 }:
                    return null;
            }
        }

        return exception is RequestFailedException { Status: 0 } ? "no response" : null;
    }

    [LoggerMessage(EventId = LogEvents.TableUnreachable, Level = LogLevel.Warning,
        Message = "Table Storage could not be reached for table {Table} at {Endpoint} ({Reason}): check {Setting} and that the storage account is up")]
    private static partial void LogUnreachable(ILogger logger, string table, string endpoint, string reason, string setting);

    /// <summary>The client; first the table is created if an earlier call found it missing (once for all callers).</summary>
    [DynamicDependency(DynamicallyAccessedMemberTypes.PublicParameterlessConstructor, typeof(TableEntity))]
    public async ValueTask<TableClient> GetAsync(CancellationToken cancellationToken)
    {
        if (!_missing)
        {
            return client;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_missing)
            {
                await CreateAsync(cancellationToken).ConfigureAwait(false);
                _missing = false;
            }
        }
        finally
        {
            _gate.Release();
        }

        return client;
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Records that the service answered "table not found": the next call creates the table first.</summary>
    internal void Forget() => _missing = true;

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
