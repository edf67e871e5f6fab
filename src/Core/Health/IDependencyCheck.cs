namespace QoinHub.Merchant.Health;

/// <summary>
/// One dependency the app cannot serve QoinHub without (a table service, the queue it publishes to,
/// Key Vault), checked with one cheap call for the health function. An implementation answers
/// whether the service took the call; it need not time itself out (<see cref="DependencyHealth"/>
/// does), and it never puts a message that could hold an address, key or token into its result.
/// </summary>
public interface IDependencyCheck
{
    /// <summary>The dependency's name in the health report, e.g. <c>tables</c>.</summary>
    string Name { get; }

    Task<DependencyCheckResult> CheckAsync(CancellationToken cancellationToken);
}
