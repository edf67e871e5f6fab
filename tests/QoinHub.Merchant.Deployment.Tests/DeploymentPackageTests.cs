using System.Net;
using System.Net.Sockets;
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

    private const string NativeExecutable = AppFolder + "/QoinHub.Merchant.Functions";

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
    public async Task Custom_handler_in_host_json_starts_the_native_executable_in_the_zip_without_arguments()
    {
        var package = await DeploymentPackage.BuildAsync();
        var host = JsonNode.Parse(package.Read("host.json"))!;

        var handler = host["customHandler"]!;
        Assert.True(handler["enableForwardingHttpRequest"]!.GetValue<bool>(), "Requests must reach the app unchanged (path, headers, raw body).");
        var description = handler["description"]!;
        var executable = description["defaultExecutablePath"]!.GetValue<string>();
        var workingDirectory = description["workingDirectory"]?.GetValue<string>() ?? "";
        var arguments = description["arguments"]?.AsArray().Select(a => a!.GetValue<string>()).ToList() ?? [];

        // The executable itself, not `dotnet` with an assembly: the instance needs no .NET runtime.
        Assert.Empty(arguments);
        var path = string.IsNullOrEmpty(workingDirectory) ? executable : $"{workingDirectory.TrimEnd('/')}/{executable}";
        Assert.True(package.Contains(path), $"host.json starts {path}, which is not in the zip.");
        Assert.Equal(NativeExecutable, path);
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
    public async Task App_is_one_native_linux_x64_executable_with_its_executable_bit_set()
    {
        var package = await DeploymentPackage.BuildAsync();

        Assert.Equal([NativeExecutable], package.Files.Where(f => f.StartsWith(AppFolder + "/", StringComparison.Ordinal)));
        var elf = package.Read(NativeExecutable);
        Assert.True(elf.AsSpan(0, 4).SequenceEqual("\u007fELF"u8), "The app is not an ELF executable.");
        Assert.Equal(2, elf[4]); // ELFCLASS64
        Assert.Equal(1, elf[5]); // little-endian
        Assert.Equal(0x3E, BitConverter.ToUInt16(elf, 18)); // EM_X86_64
        Assert.Equal(3, BitConverter.ToUInt16(elf, 16)); // ET_DYN: a position-independent executable

        // Unix permissions travel in the zip entry's external attributes: the host starts the file as it is.
        var mode = package.UnixMode(NativeExecutable);
        Assert.True((mode & 0b001_001_001) == 0b001_001_001, $"{NativeExecutable} is stored with mode {Convert.ToString(mode, 8)}, not executable.");
    }

    [Fact]
    public async Task Packaged_executable_started_as_the_host_starts_it_answers_ready_with_no_dotnet_in_its_environment()
    {
        var package = await DeploymentPackage.BuildAsync();
        var site = Path.Combine(package.OutputDirectory, "site");
        using var partnerKey = System.Security.Cryptography.RSA.Create(2048);
        var port = FreeLoopbackPort();

        // As the Functions host does: from the site root, the port in FUNCTIONS_CUSTOMHANDLER_PORT, no
        // arguments. The environment is emptied (no PATH, no DOTNET_ROOT), so nothing can lend it a runtime.
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(site, NativeExecutable))
        {
            WorkingDirectory = site,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Partners__0__ClientId"] = "package-test";
        start.Environment["Partners__0__PublicKeys__0"] = partnerKey.ExportSubjectPublicKeyInfoPem();
        start.Environment["Partners__0__ClientSecrets__0"] = "package-test-secret";
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var deadline = DateTime.UtcNow.AddSeconds(30);
            HttpResponseMessage? ready = null;
            while (ready is null && DateTime.UtcNow < deadline && !process.HasExited)
            {
                try
                {
                    ready = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(50);
                }
            }

            Assert.True(ready is not null, $"The packaged executable never answered GET / (exited: {process.HasExited}).");
            using (ready)
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
                Assert.Equal("\"ready\"", await ready.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.DoesNotContain("fail:", await output + await errors, StringComparison.Ordinal);
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

        // Nothing of a framework-dependent app: no assemblies, no runtime configuration for `dotnet`.
        Assert.DoesNotContain(package.Files, f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".runtimeconfig.json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".dbg", StringComparison.OrdinalIgnoreCase));
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

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
