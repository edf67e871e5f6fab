using System.Reflection;
using System.Text.Json;
using QoinHub.Merchant.Functions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Tests.Hosting;

/// <summary>
/// What keeps the host fit for the native build (docs/decisions/0003-native-aot.md) in every
/// build, not only in the native publish: its endpoints are compiled by the Request Delegate
/// Generator, and reflection-based JSON is off in the JIT build as it is in the native one.
/// </summary>
public sealed class NativeBuildReadinessTests
{
    [Fact]
    public void Every_endpoint_is_compiled_by_the_request_delegate_generator()
    {
        var generated = typeof(FunctionRoutes).Assembly.GetTypes()
            .SingleOrDefault(type => type.Name.EndsWith("__GeneratedRouteBuilderExtensionsCore", StringComparison.Ordinal));
        Assert.True(generated is not null, "The host has no generated route handlers: the Request Delegate Generator did not run (PublishAot or EnableRequestDelegateGenerator is off).");

        var methods = generated.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic).Select(method => method.Name).ToList();

        // GET / (readiness) and each GET function; a POST for each POST function and each timer function.
        var gets = FunctionRoutes.All.Count(route => route.Method == "get");
        var posts = FunctionRoutes.All.Count(route => route.Method == "post");
        Assert.Equal(1 + gets, methods.Count(name => name.StartsWith("MapGet", StringComparison.Ordinal)));
        Assert.Equal(posts + FunctionRoutes.Timers.Count, methods.Count(name => name.StartsWith("MapPost", StringComparison.Ordinal)));
    }

    [Fact]
    public void Reflection_based_json_is_off_in_the_jit_build_too()
    {
        var configuration = Path.Combine(AzuriteServer.RepositoryRoot, "src", "Functions", "bin", "Release", "net10.0", "QoinHub.Merchant.Functions.runtimeconfig.json");
        Assert.True(File.Exists(configuration), $"{configuration} is missing: build the solution in Release first.");

        using var document = JsonDocument.Parse(File.ReadAllBytes(configuration));
        var options = document.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(options.GetProperty("System.Text.Json.JsonSerializer.IsReflectionEnabledByDefault").GetBoolean());
    }
}
