using System.Reflection.PortableExecutable;
using System.Text.Json.Nodes;
using QoinHub.Merchant.Functions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The zip from scripts/package.sh is a valid Azure Functions custom-handler app: host.json at the
/// root, one folder per function with its function.json, and the published app the host starts.
/// </summary>
public sealed class DeploymentPackageTests
{
    private const string AppFolder = "app";

    [Fact]
    public async Task Zip_root_holds_host_json_one_folder_per_function_and_the_app_only()
    {
        var package = await DeploymentPackage.BuildAsync();

        var roots = package.Files.Select(f => f.Split('/')[0]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var expected = FunctionRoutes.All.Select(r => r.FunctionName).Concat(FunctionRoutes.Timers.Select(t => t.FunctionName))
            .Append("host.json").Append(AppFolder).Order(StringComparer.Ordinal);
        Assert.Equal(expected, roots);
    }

    [Fact]
    public async Task Host_json_in_the_zip_is_the_repository_host_json()
    {
        var package = await DeploymentPackage.BuildAsync();

        var repository = await File.ReadAllBytesAsync(Path.Combine(AzuriteServer.RepositoryRoot, "host.json"));
        Assert.Equal(repository, package.Read("host.json"));
    }

    [Fact]
    public async Task Custom_handler_in_host_json_starts_a_file_that_is_in_the_zip()
    {
        var package = await DeploymentPackage.BuildAsync();
        var host = JsonNode.Parse(package.Read("host.json"))!;

        var handler = host["customHandler"]!;
        Assert.True(handler["enableForwardingHttpRequest"]!.GetValue<bool>(), "Requests must reach the app unchanged (path, headers, raw body).");
        var description = handler["description"]!;
        var executable = description["defaultExecutablePath"]!.GetValue<string>();
        var workingDirectory = description["workingDirectory"]?.GetValue<string>() ?? "";
        var arguments = description["arguments"]?.AsArray().Select(a => a!.GetValue<string>()).ToList() ?? [];

        // `dotnet` comes with the .NET 10 stack; then the first argument is the app's entry assembly.
        var started = executable == "dotnet" ? Assert.Single(arguments) : executable;
        var path = string.IsNullOrEmpty(workingDirectory) ? started : $"{workingDirectory.TrimEnd('/')}/{started}";
        Assert.True(package.Contains(path), $"host.json starts {path}, which is not in the zip.");
        Assert.Equal($"{AppFolder}/QoinHub.Merchant.Functions.dll", path);
        Assert.True(package.Contains($"{AppFolder}/QoinHub.Merchant.Functions.runtimeconfig.json"));
        Assert.True(package.Contains($"{AppFolder}/QoinHub.Merchant.Functions.deps.json"));
    }

    [Fact]
    public async Task Every_route_in_code_has_a_function_folder_declaring_the_same_route_method_and_auth_level()
    {
        var package = await DeploymentPackage.BuildAsync();

        foreach (var route in FunctionRoutes.All)
        {
            var path = $"{route.FunctionName}/function.json";
            Assert.True(package.Contains(path), $"{path} is missing from the zip.");
            var bindings = JsonNode.Parse(package.Read(path))!["bindings"]!.AsArray().Select(b => b!.AsObject()).ToList();

            var trigger = Assert.Single(bindings, b => b["type"]?.GetValue<string>() == "httpTrigger");
            Assert.Equal("in", trigger["direction"]!.GetValue<string>());
            Assert.Equal(route.Route, trigger["route"]!.GetValue<string>());
            Assert.Equal(route.AuthLevel, trigger["authLevel"]!.GetValue<string>());
            Assert.Equal([route.Method], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()));
            var output = Assert.Single(bindings, b => b["type"]?.GetValue<string>() == "http");
            Assert.Equal("out", output["direction"]!.GetValue<string>());
            Assert.Equal(2, bindings.Count);
        }
    }

    [Fact]
    public async Task Health_function_in_the_zip_asks_for_a_function_key()
    {
        var package = await DeploymentPackage.BuildAsync();

        var trigger = JsonNode.Parse(package.Read("Health/function.json"))!["bindings"]!.AsArray()
            .Select(b => b!.AsObject()).Single(b => b["type"]?.GetValue<string>() == "httpTrigger");
        Assert.Equal("function", trigger["authLevel"]!.GetValue<string>());
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("health", trigger["route"]!.GetValue<string>());
    }

    [Fact]
    public async Task No_function_in_the_zip_lacks_a_route_in_code()
    {
        var package = await DeploymentPackage.BuildAsync();

        var folders = package.Files
            .Where(f => f.EndsWith("/function.json", StringComparison.Ordinal))
            .Select(f => f[..f.IndexOf('/', StringComparison.Ordinal)])
            .Order(StringComparer.Ordinal);
        Assert.Equal(FunctionRoutes.All.Select(r => r.FunctionName).Concat(FunctionRoutes.Timers.Select(t => t.FunctionName)).Order(StringComparer.Ordinal), folders);
    }

    [Fact]
    public async Task Every_timer_function_in_code_has_a_function_folder_with_its_schedule()
    {
        var package = await DeploymentPackage.BuildAsync();

        foreach (var timer in FunctionRoutes.Timers)
        {
            var path = $"{timer.FunctionName}/function.json";
            Assert.True(package.Contains(path), $"{path} is missing from the zip.");
            var binding = Assert.Single(JsonNode.Parse(package.Read(path))!["bindings"]!.AsArray().Select(b => b!.AsObject()));
            Assert.Equal("timerTrigger", binding["type"]!.GetValue<string>());
            Assert.Equal(timer.Schedule, binding["schedule"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task App_is_published_ready_to_run_for_dotnet_10_with_asp_net_core()
    {
        var package = await DeploymentPackage.BuildAsync();

        foreach (var assembly in new[] { "QoinHub.Merchant.Functions.dll", "QoinHub.Merchant.Core.dll", "QoinHub.Merchant.Snap.dll", "QoinHub.Merchant.AzureAdapters.dll" })
        {
            using var pe = new PEReader(new MemoryStream(package.Read($"{AppFolder}/{assembly}")));
            var cor = pe.PEHeaders.CorHeader ?? throw new InvalidOperationException($"{assembly} is not a .NET assembly.");
            Assert.True(cor.ManagedNativeHeaderDirectory.Size > 0, $"{assembly} is not ReadyToRun-compiled.");
        }

        var runtimeConfig = JsonNode.Parse(package.Read($"{AppFolder}/QoinHub.Merchant.Functions.runtimeconfig.json"))!["runtimeOptions"]!;
        Assert.Equal("net10.0", runtimeConfig["tfm"]!.GetValue<string>());
        var frameworks = runtimeConfig["frameworks"]?.AsArray().Select(f => f!["name"]!.GetValue<string>()).ToList() ?? [];
        Assert.Contains("Microsoft.AspNetCore.App", frameworks);
        Assert.Null(runtimeConfig["includedFrameworks"]);
    }

    [Fact]
    public async Task Package_carries_no_local_settings_or_key_material()
    {
        var package = await DeploymentPackage.BuildAsync();

        Assert.DoesNotContain(package.Files, f =>
            Path.GetFileName(f) is "local.settings.json" or "secrets.json" ||
            Path.GetExtension(f) is ".pem" or ".pfx" or ".key" or ".p12");
    }

    [Fact]
    public async Task Package_holds_no_symbols_xml_docs_or_static_web_asset_manifests()
    {
        var package = await DeploymentPackage.BuildAsync();

        // An XML file named after an assembly beside it is that assembly's documentation.
        var assemblies = package.Files.Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(f => f[..^4]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unneeded = package.Files.Where(f =>
            f.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase) ||
            (f.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && assemblies.Contains(f[..^4])) ||
            Path.GetFileName(f).Contains(".staticwebassets", StringComparison.OrdinalIgnoreCase) ||
            Path.GetFileName(f) is "web.config" or "appsettings.Development.json").ToList();
        Assert.True(unneeded.Count == 0, $"The package holds files the app never reads at run time: {string.Join(", ", unneeded)}");

        // What the host does need to start the app stays.
        Assert.Contains($"{AppFolder}/QoinHub.Merchant.Functions.deps.json", package.Files);
        Assert.Contains($"{AppFolder}/QoinHub.Merchant.Functions.runtimeconfig.json", package.Files);
    }

    [Fact]
    public async Task Script_leaves_the_unzipped_site_folder_azd_deploys()
    {
        var package = await DeploymentPackage.BuildAsync();

        var site = Path.Combine(package.OutputDirectory, "site");
        var onDisk = Directory.GetFiles(site, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(site, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        Assert.Equal(package.Files.Order(StringComparer.Ordinal), onDisk);
    }
}
