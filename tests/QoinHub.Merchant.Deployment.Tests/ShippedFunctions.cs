namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>An HTTP-triggered function as it is deployed: method, route after the prefix, auth level (lower case).</summary>
internal sealed record HttpFunction(string Name, string Method, string Route, string AuthLevel)
{
    /// <summary>The path callers use, <c>/api/{route}</c>.</summary>
    public string Path => $"/{ShippedFunctions.RoutePrefix}/{Route}";
}

/// <summary>A timer-triggered function as it is deployed: the app setting its schedule is read from, and the schedule shipped in it.</summary>
internal sealed record TimerFunction(string Name, string ScheduleSetting, string ShippedSchedule)
{
    /// <summary>The schedule as the trigger states it, <c>%setting%</c>.</summary>
    public string Schedule => $"%{ScheduleSetting}%";
}

/// <summary>
/// The five functions the package must carry, written out here rather than read from the app's code:
/// these are the routes QoinHub is given and the schedules the template deploys, so a change to any
/// of them must be a deliberate change of this file too.
/// </summary>
internal static class ShippedFunctions
{
    /// <summary>The app's assembly: what worker.config.json starts and every function's scriptFile.</summary>
    public const string AppAssembly = "QoinHub.Merchant.Functions.dll";

    /// <summary>host.json's <c>extensions.http.routePrefix</c>.</summary>
    public const string RoutePrefix = "api";

    public static readonly HttpFunction AccessTokenB2B = new("AccessTokenB2B", "post", "v1.0/access-token/b2b", "anonymous");

    public static readonly HttpFunction PaymentNotificationDebit = new("PaymentNotificationDebit", "post", "v1.0/debit/notify", "anonymous");

    public static readonly HttpFunction Health = new("Health", "get", "health", "function");

    /// <summary>Every minute.</summary>
    public static readonly TimerFunction OutboxRelay = new("OutboxRelay", "OutboxRelaySchedule", "0 */1 * * * *");

    /// <summary>Daily at 19:30 UTC, 02:30 in Asia/Jakarta.</summary>
    public static readonly TimerFunction Retention = new("Retention", "RetentionSchedule", "0 30 19 * * *");

    public static readonly HttpFunction[] Http = [AccessTokenB2B, PaymentNotificationDebit, Health];

    public static readonly TimerFunction[] Timers = [OutboxRelay, Retention];

    public static IEnumerable<string> AllNames => Http.Select(f => f.Name).Concat(Timers.Select(t => t.Name));
}
