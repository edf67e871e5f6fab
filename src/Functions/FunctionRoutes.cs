namespace QoinHub.Merchant.Functions;

/// <summary>
/// The one list of HTTP functions. Program.cs maps these routes, and each has a folder beside
/// host.json named <see cref="FunctionRoute.FunctionName"/> whose function.json declares the same
/// route; tests fail when the two disagree.
/// </summary>
public static class FunctionRoutes
{
    /// <summary>The Functions host's default <c>extensions.http.routePrefix</c>.</summary>
    public const string RoutePrefix = "api";

    public static readonly FunctionRoute AccessTokenB2B = new("AccessTokenB2B", "v1.0/access-token/b2b");

    public static readonly FunctionRoute PaymentNotificationDebit = new("PaymentNotificationDebit", "v1.0/debit/notify");

    /// <summary>
    /// The dependency health report (<c>GET /api/health</c>). Behind a function key in Azure: it names
    /// the dependency that is down and why, which is for operators only. <c>GET /</c> stays the cheap
    /// readiness probe.
    /// </summary>
    public static readonly FunctionRoute Health = new("Health", "health", Method: "get", AuthLevel: "function");

    public static IReadOnlyList<FunctionRoute> All { get; } = [AccessTokenB2B, PaymentNotificationDebit, Health];

    /// <summary>Publishes recorded notifications that no request published (every minute).</summary>
    public static readonly TimerFunction OutboxRelay = new("OutboxRelay", "0 */1 * * * *");

    /// <summary>Deletes expired tokens and old published notifications (daily, 02:30 Asia/Jakarta = 19:30 UTC).</summary>
    public static readonly TimerFunction Retention = new("Retention", "0 30 19 * * *");

    public static IReadOnlyList<TimerFunction> Timers { get; } = [OutboxRelay, Retention];
}

/// <summary>
/// A timer-triggered function: its folder name and NCRONTAB schedule. The Functions host invokes a
/// custom handler's non-HTTP function by POSTing an invocation request to <see cref="Path"/>.
/// </summary>
public sealed record TimerFunction(string FunctionName, string Schedule)
{
    public string Path => "/" + FunctionName;
}

/// <summary>
/// An HTTP-triggered function: its folder name, its route without the <c>api</c> prefix, its one
/// method and the host's <c>authLevel</c> (<c>anonymous</c>: callers prove themselves by signature;
/// <c>function</c>: the host asks for a function key).
/// </summary>
public sealed record FunctionRoute(string FunctionName, string Route, string Method = "post", string AuthLevel = "anonymous")
{
    /// <summary>The path callers use and the host forwards unchanged, e.g. <c>/api/v1.0/debit/notify</c>.</summary>
    public string Path => "/" + FunctionRoutes.RoutePrefix + "/" + Route;
}
