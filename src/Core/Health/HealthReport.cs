namespace QoinHub.Merchant.Health;

/// <summary>The result of checking every dependency once.</summary>
public sealed record HealthReport(DateTimeOffset CheckedAt, IReadOnlyList<DependencyReport> Dependencies)
{
    /// <summary>Every dependency is up.</summary>
    public bool IsHealthy => Dependencies.All(dependency => dependency.IsUp);
}

/// <summary>One dependency's check: up or down, how long it took, and why it is down.</summary>
public sealed record DependencyReport(string Name, bool IsUp, long LatencyMs, string? Reason, string? Note);
