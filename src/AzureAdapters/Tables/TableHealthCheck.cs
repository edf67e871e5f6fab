using Azure;
using Azure.Data.Tables;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.AzureAdapters.Tables;

/// <summary>
/// The token and notification tables: one point read of a row that never exists in each (the cheapest
/// authenticated call the table service answers), both at once. A table that does not exist (404
/// <c>TableNotFound</c>) counts as up: the service answered and accepted the credentials, and the
/// app creates the table on its first write (<see cref="LazyTable"/>). The check never creates it.
/// </summary>
internal sealed class TableHealthCheck(LazyTable tokens, LazyTable notifications) : IDependencyCheck
{
    /// <summary>Keys no row of the app ever has: token rows are keyed by a hash, ledger rows by their own prefixes.</summary>
    private const string ProbeKey = "health-check";

    public string Name => "tables";

    public async Task<DependencyCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        var probes = await Task.WhenAll(ProbeAsync(tokens.Client, cancellationToken), ProbeAsync(notifications.Client, cancellationToken)).ConfigureAwait(false);
        var failures = probes.Where(probe => probe.Failure is not null).ToList();
        if (failures.Count > 0)
        {
            // One reason when both tables fail alike (the service is down), else each table's own.
            var reasons = failures.Select(probe => probe.Failure).Distinct(StringComparer.Ordinal).ToList();
            return DependencyCheckResult.Down(reasons.Count == 1 && failures.Count == probes.Length
                ? reasons[0]!
                : string.Join("; ", failures.Select(probe => $"{probe.Table}: {probe.Failure}")));
        }

        var missing = probes.Where(probe => probe.Missing).Select(probe => probe.Table).ToList();
        return DependencyCheckResult.Up(missing.Count == 0
            ? null
            : $"not created yet (the app creates it on first use): {string.Join(", ", missing)}");
    }

    private static async Task<Probe> ProbeAsync(TableClient table, CancellationToken cancellationToken)
    {
        try
        {
            var response = await table.GetEntityIfExistsAsync<TableEntity>(ProbeKey, ProbeKey, select: ["PartitionKey"], cancellationToken).ConfigureAwait(false);
            var raw = response.GetRawResponse();
            var missing = raw.Status == 404 && raw.Headers.TryGetValue("x-ms-error-code", out var code)
                && string.Equals(code, "TableNotFound", StringComparison.OrdinalIgnoreCase);
            return new Probe(table.Name, missing, Failure: null);
        }
        catch (RequestFailedException exception) when (LazyTable.IsTableNotFound(exception))
        {
            return new Probe(table.Name, Missing: true, Failure: null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return new Probe(table.Name, Missing: false, DependencyFailure.Describe(exception));
        }
    }

    private sealed record Probe(string Table, bool Missing, string? Failure);
}
