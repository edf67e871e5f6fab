namespace QoinHub.Merchant.Health;

/// <summary>What one dependency check found.</summary>
/// <param name="IsUp">The service answered the call as a working service does.</param>
/// <param name="Reason">Why it is down: short and free of secrets (an exception type, an HTTP status and error code).</param>
/// <param name="Note">Something an operator should know although it is up, e.g. a table not created yet.</param>
public sealed record DependencyCheckResult(bool IsUp, string? Reason = null, string? Note = null)
{
    public static DependencyCheckResult Up(string? note = null) => new(true, Note: note);

    public static DependencyCheckResult Down(string reason) => new(false, Reason: reason);
}
