using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.Functions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>The function metadata beside host.json and the routes in code are one and the same list.</summary>
public sealed class FunctionMetadataTests
{
    private static readonly string Root = AzuriteServer.RepositoryRoot;

    private static Dictionary<string, JsonElement> FunctionJsonFiles() =>
        Directory.EnumerateDirectories(Root)
            .Where(directory => File.Exists(Path.Combine(directory, "function.json")))
            .ToDictionary(
                directory => Path.GetFileName(directory),
                directory => JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "function.json"))).RootElement.Clone(),
                StringComparer.Ordinal);

    [Fact]
    public void Every_route_in_code_has_a_function_json_with_the_same_route_and_nothing_else_exists()
    {
        var files = FunctionJsonFiles();
        Assert.Equal(
            FunctionRoutes.All.Select(route => route.FunctionName).Concat(FunctionRoutes.Timers.Select(timer => timer.FunctionName)).Order(StringComparer.Ordinal),
            files.Keys.Order(StringComparer.Ordinal));
        foreach (var route in FunctionRoutes.All)
        {
            var bindings = files[route.FunctionName].GetProperty("bindings").EnumerateArray().ToList();
            Assert.Equal(2, bindings.Count);
            var trigger = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "httpTrigger");
            Assert.Equal("in", trigger.GetProperty("direction").GetString());
            Assert.Equal(route.AuthLevel, trigger.GetProperty("authLevel").GetString());
            Assert.Equal([route.Method], trigger.GetProperty("methods").EnumerateArray().Select(method => method.GetString()));
            Assert.Equal(route.Route, trigger.GetProperty("route").GetString());
            var output = Assert.Single(bindings, binding => binding.GetProperty("type").GetString() == "http");
            Assert.Equal("out", output.GetProperty("direction").GetString());
        }
    }

    [Fact]
    public void SNAP_callbacks_are_anonymous_posts_and_health_is_a_get_behind_a_function_key()
    {
        var files = FunctionJsonFiles();

        // Pinned here, not read from FunctionRoutes: QoinHub cannot send a function key, and the
        // health report must not be public.
        Assert.Equal(("anonymous", "post"), Trigger(files, "AccessTokenB2B"));
        Assert.Equal(("anonymous", "post"), Trigger(files, "PaymentNotificationDebit"));
        Assert.Equal(("function", "get"), Trigger(files, "Health"));
        Assert.Equal("health", files["Health"].GetProperty("bindings")[0].GetProperty("route").GetString());
        Assert.Equal("/api/health", FunctionRoutes.Health.Path);

        static (string?, string?) Trigger(Dictionary<string, JsonElement> files, string function)
        {
            var trigger = files[function].GetProperty("bindings").EnumerateArray().Single(binding => binding.GetProperty("type").GetString() == "httpTrigger");
            return (trigger.GetProperty("authLevel").GetString(), Assert.Single(trigger.GetProperty("methods").EnumerateArray()).GetString());
        }
    }

    [Fact]
    public void Every_timer_function_in_code_has_a_function_json_with_its_schedule()
    {
        var files = FunctionJsonFiles();
        foreach (var timer in FunctionRoutes.Timers)
        {
            var binding = Assert.Single(files[timer.FunctionName].GetProperty("bindings").EnumerateArray());
            Assert.Equal("timerTrigger", binding.GetProperty("type").GetString());
            Assert.Equal("in", binding.GetProperty("direction").GetString());
            Assert.Equal(timer.Schedule, binding.GetProperty("schedule").GetString());
            Assert.False(binding.GetProperty("runOnStartup").GetBoolean());
        }
    }

    [Fact]
    public void Host_json_declares_a_forwarding_custom_handler_with_the_api_prefix()
    {
        using var host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "host.json")));
        var handler = host.RootElement.GetProperty("customHandler");
        Assert.True(handler.GetProperty("enableForwardingHttpRequest").GetBoolean());
        // The Native AOT executable itself (docs/decisions/0003-native-aot.md): no `dotnet`, no arguments.
        Assert.Equal("app/QoinHub.Merchant.Functions", handler.GetProperty("description").GetProperty("defaultExecutablePath").GetString());
        Assert.Empty(handler.GetProperty("description").GetProperty("arguments").EnumerateArray());
        Assert.Equal(FunctionRoutes.RoutePrefix, host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
    }

    [Fact]
    public void Every_mapped_endpoint_is_a_function_route()
    {
        using var app = new Http.SnapAppFactory();
        var sources = app.Services.GetServices<Microsoft.AspNetCore.Routing.EndpointDataSource>();
        var mapped = sources.SelectMany(source => source.Endpoints)
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? [])
                .Select(method => $"{method} {endpoint.RoutePattern.RawText!.TrimStart('/')}"))
            .Where(endpoint => endpoint != "GET ") // the readiness probe the host calls, not a function
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            FunctionRoutes.All.Select(route => $"{route.Method.ToUpperInvariant()} {route.Path.TrimStart('/')}")
                .Concat(FunctionRoutes.Timers.Select(timer => $"POST {timer.Path.TrimStart('/')}"))
                .Order(StringComparer.Ordinal),
            mapped);
    }
}
