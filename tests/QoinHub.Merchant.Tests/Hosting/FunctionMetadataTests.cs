using System.Reflection;
using System.Text.Json;
using QoinHub.FunctionsHost.Timers;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Tests.Http;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>
/// The function metadata the Worker SDK generates from the function classes (functions.metadata
/// in the build output), the standard host.json, and what the Functions host loads from the worker.
/// </summary>
public sealed class FunctionMetadataTests
{
    private static readonly string Root = AzuriteServer.RepositoryRoot;

    private static readonly string[] FunctionNames = ["AccessTokenB2B", "Health", "OutboxRelay", "PaymentNotificationDebit", "Retention"];

    [Fact]
    public void Generated_metadata_holds_the_five_functions_with_their_triggers_and_nothing_else()
    {
        var functions = GeneratedMetadata();

        Assert.Equal(FunctionNames, functions.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, function) in functions)
        {
            Assert.Equal("dotnet-isolated", function.GetProperty("language").GetString());
            Assert.Equal("QoinHub.Merchant.Functions.dll", function.GetProperty("scriptFile").GetString());
            Assert.Equal($"QoinHub.Merchant.Functions.{name}.RunAsync", function.GetProperty("entryPoint").GetString());
        }

        Assert.Equal("timerTrigger", Trigger(functions, "OutboxRelay").GetProperty("type").GetString());
        Assert.Equal("timerTrigger", Trigger(functions, "Retention").GetProperty("type").GetString());
    }

    [Fact]
    public void SNAP_callbacks_are_anonymous_posts_and_health_is_a_get_behind_a_function_key()
    {
        var functions = GeneratedMetadata();

        // Pinned here, not read from the code: QoinHub cannot send a function key, and the health
        // report must not be public.
        Assert.Equal(("httpTrigger", "Anonymous", "post", "v1.0/access-token/b2b"), Http(functions, "AccessTokenB2B"));
        Assert.Equal(("httpTrigger", "Anonymous", "post", "v1.0/debit/notify"), Http(functions, "PaymentNotificationDebit"));
        Assert.Equal(("httpTrigger", "Function", "get", "health"), Http(functions, "Health"));
        foreach (var name in new[] { "AccessTokenB2B", "PaymentNotificationDebit", "Health" })
        {
            Assert.Contains(functions[name].GetProperty("bindings").EnumerateArray(), binding => binding.GetProperty("type").GetString() == "http" && binding.GetProperty("direction").GetString() == "Out");
        }

        static (string?, string?, string?, string?) Http(Dictionary<string, JsonElement> functions, string name)
        {
            var trigger = Trigger(functions, name);
            return (trigger.GetProperty("type").GetString(), trigger.GetProperty("authLevel").GetString(), Assert.Single(trigger.GetProperty("methods").EnumerateArray()).GetString(), trigger.GetProperty("route").GetString());
        }
    }

    [Fact]
    public void Timer_schedules_come_from_app_settings_whose_shipped_values_are_valid_schedules()
    {
        var functions = GeneratedMetadata();
        Assert.Equal("%OutboxRelaySchedule%", Trigger(functions, "OutboxRelay").GetProperty("schedule").GetString());
        Assert.Equal("%RetentionSchedule%", Trigger(functions, "Retention").GetProperty("schedule").GetString());
        Assert.False(Trigger(functions, "OutboxRelay").TryGetProperty("runOnStartup", out var runOnStartup) && runOnStartup.GetBoolean());

        // The values local.settings.sample.json gives func start: every minute, and daily at 19:30 UTC (02:30 in Jakarta).
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");
        var relay = CronSchedule.Parse(values.GetProperty("OutboxRelaySchedule").GetString()!);
        var retention = CronSchedule.Parse(values.GetProperty("RetentionSchedule").GetString()!);
        var noon = new DateTimeOffset(2026, 12, 4, 12, 0, 30, TimeSpan.Zero);
        Assert.Equal(noon.AddSeconds(30), relay.NextAfter(noon));
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 19, 30, 0, TimeSpan.Zero), retention.NextAfter(noon));
    }

    [Fact]
    public void Host_json_is_a_standard_one_with_the_api_route_prefix_and_no_custom_handler()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        Assert.Equal("2.0", host.RootElement.GetProperty("version").GetString());
        Assert.False(host.RootElement.TryGetProperty("customHandler", out _));
        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public async Task The_host_loads_what_the_metadata_says_and_serves_the_HTTP_functions_at_their_routes()
    {
        await using var app = new SnapAppFactory();
        var metadata = GeneratedMetadata();

        Assert.Equal(FunctionNames, app.Host.Functions.Select(function => function.Name).Order(StringComparer.Ordinal));
        foreach (var function in app.Host.Functions.Where(function => function.TriggerType == "httpTrigger"))
        {
            Assert.Equal(Trigger(metadata, function.Name).GetProperty("route").GetString(), function.Route);
        }

        Assert.Equal("api", app.Host.RoutePrefix);
        Assert.StartsWith("http://127.0.0.1:", app.Host.WorkerCapabilities["HttpUri"], StringComparison.Ordinal);
    }

    /// <summary>functions.metadata as the build of src/Functions wrote it, by function name.</summary>
    private static Dictionary<string, JsonElement> GeneratedMetadata()
    {
        var configuration = typeof(FunctionMetadataTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var path = Path.Combine(Root, "src", "Functions", "bin", configuration, "net10.0", "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/Functions ({configuration}) first.");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(function => function.GetProperty("name").GetString()!, function => function.Clone(), StringComparer.Ordinal);
    }

    private static JsonElement Trigger(Dictionary<string, JsonElement> functions, string name) =>
        Assert.Single(functions[name].GetProperty("bindings").EnumerateArray(), binding => binding.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
}
