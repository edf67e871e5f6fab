using System.Globalization;
using System.Net;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QoinHub.FunctionsHost;
using QoinHub.FunctionsHost.Worker;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The zip from scripts/package.sh is the isolated worker's publish output, ready for the
/// dotnet-isolated 10.0 stack: functions.metadata with the five functions, worker.config.json
/// starting the app's assembly with dotnet, host.json, extensions.json and .azurefunctions/ at the
/// root, the app ReadyToRun for linux-x64, and it runs when a Functions host starts it.
/// </summary>
public sealed partial class DeploymentPackageTests
{
    /// <summary>
    /// The PE machine a ReadyToRun image compiled for Linux x64 declares: AMD64 (0x8664) XOR the
    /// Linux marker 0x7B79, so that no Windows loader mistakes it for a native Windows image.
    /// </summary>
    private const Machine ReadyToRunLinuxX64 = (Machine)(0x8664 ^ 0x7B79);

    /// <summary>Every file scripts/publish.sh checks it produced, and the worker needs.</summary>
    private static readonly string[] WorkerFiles =
        [ShippedFunctions.AppAssembly, "functions.metadata", "worker.config.json", "host.json", "extensions.json"];

    [Fact]
    public async Task Zip_is_the_worker_publish_output_file_for_file_at_its_root()
    {
        var package = await DeploymentPackage.BuildAsync();

        var published = FilesUnder(DeploymentPackage.PublishDirectory);
        Assert.Equal(published, package.Files.Order(StringComparer.Ordinal));
        foreach (var file in published)
        {
            Assert.True(
                File.ReadAllBytes(Path.Combine(DeploymentPackage.PublishDirectory, file)).AsSpan().SequenceEqual(package.Read(file)),
                $"{file} in the zip differs from artifacts/publish/{file}.");
        }

        Assert.All(WorkerFiles, file => Assert.True(package.Contains(file), $"{file} is not at the root of the zip."));
        Assert.Contains(package.Files, f => f.StartsWith(".azurefunctions/", StringComparison.Ordinal));
        Assert.All(package.EntryNames, name => Assert.False(
            name.StartsWith("./", StringComparison.Ordinal) || name.StartsWith('/') || name.Split('/').Contains(".."),
            $"Zip entry '{name}' is not relative to the root of the zip."));
    }

    [Fact]
    public async Task Nothing_of_the_custom_handler_layout_is_left_in_the_zip()
    {
        var package = await DeploymentPackage.BuildAsync();

        Assert.DoesNotContain(package.Files, f => f.StartsWith("app/", StringComparison.Ordinal));
        Assert.DoesNotContain(package.Files, f => Path.GetFileName(f) == "function.json");
        Assert.DoesNotContain(package.Files, f => f.Split('/')[0] is var root && ShippedFunctions.AllNames.Contains(root, StringComparer.OrdinalIgnoreCase));
        Assert.Null(package.ReadJson("host.json")["customHandler"]);
    }

    [Fact]
    public async Task Host_json_in_the_zip_is_the_repository_host_json_with_the_api_route_prefix()
    {
        var package = await DeploymentPackage.BuildAsync();

        var repository = await File.ReadAllBytesAsync(Path.Combine(AzuriteServer.RepositoryRoot, "host.json"));
        Assert.Equal(repository, package.Read("host.json"));
        var host = package.ReadJson("host.json");
        Assert.Equal("2.0", host["version"]!.GetValue<string>());
        Assert.Equal(ShippedFunctions.RoutePrefix, host["extensions"]!["http"]!["routePrefix"]!.GetValue<string>());
    }

    [Fact]
    public async Task Worker_config_starts_the_app_assembly_in_the_zip_with_dotnet()
    {
        var package = await DeploymentPackage.BuildAsync();

        var description = package.ReadJson("worker.config.json")["description"]!;
        Assert.Equal("dotnet-isolated", description["language"]!.GetValue<string>());
        Assert.Equal("dotnet", description["defaultExecutablePath"]!.GetValue<string>());
        var worker = description["defaultWorkerPath"]!.GetValue<string>();
        Assert.Equal(ShippedFunctions.AppAssembly, worker);
        Assert.True(package.Contains(worker), $"worker.config.json starts {worker}, which is not in the zip.");
        Assert.True(package.Contains("QoinHub.Merchant.Functions.runtimeconfig.json"), "dotnet needs the app's runtime configuration beside it.");
        Assert.True(package.Contains("QoinHub.Merchant.Functions.deps.json"), "dotnet needs the app's dependency manifest beside it.");
    }

    [Fact]
    public async Task Functions_metadata_declares_exactly_the_five_functions_each_in_the_app_assembly()
    {
        var package = await DeploymentPackage.BuildAsync();

        var functions = Functions(package);
        Assert.Equal(ShippedFunctions.AllNames.Order(StringComparer.Ordinal), functions.Select(f => f["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        foreach (var function in functions)
        {
            var name = function["name"]!.GetValue<string>();
            Assert.Equal("dotnet-isolated", function["language"]!.GetValue<string>());
            var scriptFile = function["scriptFile"]!.GetValue<string>();
            Assert.Equal(ShippedFunctions.AppAssembly, scriptFile);
            Assert.True(package.Contains(scriptFile), $"{name}: {scriptFile} is not in the zip.");
            Assert.StartsWith("QoinHub.Merchant.Functions.", function["entryPoint"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Every_http_function_in_the_zip_declares_its_route_method_and_auth_level()
    {
        var package = await DeploymentPackage.BuildAsync();

        foreach (var expected in ShippedFunctions.Http)
        {
            var bindings = Bindings(package, expected.Name);

            var trigger = Assert.Single(bindings, b => Text(b, "type") == "httpTrigger");
            Assert.Equal("in", Text(trigger, "direction")?.ToLowerInvariant());
            Assert.Equal(expected.Route, Text(trigger, "route"));
            Assert.Equal(expected.AuthLevel, Text(trigger, "authLevel")?.ToLowerInvariant());
            Assert.Equal([expected.Method], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>().ToLowerInvariant()));
            var output = Assert.Single(bindings, b => Text(b, "type") == "http");
            Assert.Equal("out", Text(output, "direction")?.ToLowerInvariant());
            Assert.Equal(2, bindings.Count);
        }
    }

    [Fact]
    public async Task Health_function_in_the_zip_asks_for_a_function_key()
    {
        var package = await DeploymentPackage.BuildAsync();

        var trigger = Bindings(package, "Health").Single(b => Text(b, "type") == "httpTrigger");
        Assert.Equal("function", Text(trigger, "authLevel")?.ToLowerInvariant());
        Assert.Equal(["get"], trigger["methods"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal("health", Text(trigger, "route"));
    }

    [Fact]
    public async Task Every_timer_function_in_the_zip_reads_its_schedule_from_its_app_setting()
    {
        var package = await DeploymentPackage.BuildAsync();

        foreach (var expected in ShippedFunctions.Timers)
        {
            var binding = Assert.Single(Bindings(package, expected.Name));
            Assert.Equal("timerTrigger", Text(binding, "type"));
            Assert.Equal("in", Text(binding, "direction")?.ToLowerInvariant());
            Assert.Equal(expected.Schedule, Text(binding, "schedule"));
            // A run at every start would run the job on every scale-out and every cold start.
            Assert.False(binding["runOnStartup"]?.GetValue<bool>() ?? false, $"{expected.Name} runs on start-up.");
        }
    }

    [Fact]
    public async Task Every_extension_the_host_loads_is_in_the_hidden_azurefunctions_folder_of_the_zip()
    {
        var package = await DeploymentPackage.BuildAsync();

        var extensions = package.ReadJson("extensions.json")["extensions"]!.AsArray();
        Assert.NotEmpty(extensions);
        foreach (var extension in extensions)
        {
            var hint = extension!["hintPath"]!.GetValue<string>();
            var path = hint.StartsWith("./", StringComparison.Ordinal) ? hint[2..] : hint;
            Assert.StartsWith(".azurefunctions/", path, StringComparison.Ordinal);
            Assert.True(package.Contains(path), $"extensions.json loads {hint}, which is not in the zip.");
        }

        Assert.True(package.Contains(".azurefunctions/Microsoft.Azure.WebJobs.Extensions.FunctionMetadataLoader.dll"), "The host reads functions.metadata through this extension.");
    }

    [Fact]
    public async Task App_assemblies_in_the_zip_are_ReadyToRun_for_linux_x64()
    {
        var package = await DeploymentPackage.BuildAsync();

        // The marker tells the two builds apart: this test assembly is an ordinary (IL-only) build.
        var (testAssemblyIsReadyToRun, _) = Inspect(await File.ReadAllBytesAsync(typeof(DeploymentPackageTests).Assembly.Location));
        Assert.False(testAssemblyIsReadyToRun, "An IL-only assembly passes for ReadyToRun; the check below would prove nothing.");

        var appAssemblies = package.Files
            .Where(f => !f.Contains('/', StringComparison.Ordinal) && f.StartsWith("QoinHub.Merchant.", StringComparison.Ordinal) && f.EndsWith(".dll", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(ShippedFunctions.AppAssembly, appAssemblies);
        Assert.Contains("QoinHub.Merchant.Core.dll", appAssemblies);
        foreach (var assembly in appAssemblies)
        {
            var (readyToRun, machine) = Inspect(package.Read(assembly));
            Assert.True(readyToRun, $"{assembly} has no ReadyToRun code (ManagedNativeHeader is empty).");
            Assert.True(machine == ReadyToRunLinuxX64, $"{assembly} is compiled for machine 0x{(ushort)machine:x4}, not linux-x64 (0x{(ushort)ReadyToRunLinuxX64:x4}).");
        }
    }

    [Fact]
    public async Task App_runs_on_the_dotnet_10_frameworks_of_the_stack_the_template_deploys()
    {
        var package = await DeploymentPackage.BuildAsync();
        var site = (await ArmTemplate.MainAsync()).Single("Microsoft.Web/sites");
        var stackVersion = site.String("functionAppConfig.runtime.version")!;

        var frameworks = package.ReadJson("QoinHub.Merchant.Functions.runtimeconfig.json")["runtimeOptions"]!["frameworks"]!.AsArray()
            .ToDictionary(f => f!["name"]!.GetValue<string>(), f => f!["version"]!.GetValue<string>(), StringComparer.Ordinal);
        Assert.Equal(["Microsoft.AspNetCore.App", "Microsoft.NETCore.App"], frameworks.Keys.Order(StringComparer.Ordinal));
        Assert.All(frameworks, f => Assert.StartsWith(stackVersion + ".", f.Value, StringComparison.Ordinal));

        // Framework-dependent: the instance's .NET runs it; no runtime of its own in the package.
        Assert.DoesNotContain(package.Files, f => Path.GetFileName(f) is "System.Private.CoreLib.dll" or "libcoreclr.so" or "libhostfxr.so");
    }

    [Fact]
    public async Task Packaged_worker_started_by_a_functions_host_from_the_site_folder_loads_every_function_and_serves_them()
    {
        var package = await DeploymentPackage.BuildAsync();
        var deployed = (await DeploymentSnapshot.WithTwoPartnersAsync()).AppSettings().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        using var partnerKey = RSA.Create(2048);
        const string clientId = "package-test";
        var unique = Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AZURE_FUNCTIONS_ENVIRONMENT"] = "Production",

            // The schedules exactly as the template deploys them: the host must resolve and parse both.
            [ShippedFunctions.OutboxRelay.ScheduleSetting] = deployed[ShippedFunctions.OutboxRelay.ScheduleSetting],
            [ShippedFunctions.Retention.ScheduleSetting] = deployed[ShippedFunctions.Retention.ScheduleSetting],

            // Azure's storage, queue and Key Vault replaced by Azurite and settings (loopback only).
            ["Storage__ConnectionString"] = AzuriteServer.Instance.ConnectionString,
            ["Storage__TokenTable"] = "pkgtokens" + unique,
            ["Storage__NotificationTable"] = "pkgnotifications" + unique,
            ["Outbox__MacKeyId"] = OutboxMacTestKey.KeyId,
            ["Outbox__MacKeys__" + OutboxMacTestKey.KeyId] = OutboxMacTestKey.Key,
            ["LocalQueue__Name"] = "package-" + unique,
            ["Partners__0__ClientId"] = clientId,
            ["Partners__0__PublicKeys__0"] = partnerKey.ExportSubjectPublicKeyInfoPem(),
            ["Partners__0__ClientSecrets__0"] = "package-test-secret",
        };

        // The worker is started from site/ as worker.config.json says: `dotnet QoinHub.Merchant.Functions.dll`.
        var log = TextWriter.Synchronized(new StringWriter(CultureInfo.InvariantCulture));
        QoinHub.FunctionsHost.FunctionsHost host;
        try
        {
            host = await QoinHub.FunctionsHost.FunctionsHost.StartAsync(new FunctionsHostOptions
            {
                ApplicationDirectory = package.Site,
                Settings = settings,
                RunTimers = false,
                StartTimeout = TimeSpan.FromSeconds(120),
                Output = log,
                Worker = new ProcessWorkerLauncher(log, log),
            });
        }
        catch (WorkerStartException exception)
        {
            Assert.Fail($"The packaged worker did not start: {exception.Message}\n{log}");
            throw;
        }

        await using (host)
        {
            Assert.Equal(ShippedFunctions.RoutePrefix, host.RoutePrefix);
            Assert.Equal(ShippedFunctions.AllNames.Order(StringComparer.Ordinal), host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));

            // A signed access-token request: the SNAP checks, RSA verification and a token row in storage, in the packaged code.
            var timestamp = DateTimeOffset.UtcNow.ToOffset(TimeSpan.FromHours(7)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            var signature = Convert.ToBase64String(partnerKey.SignData(Encoding.UTF8.GetBytes($"{clientId}|{timestamp}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ShippedFunctions.AccessTokenB2B.Path.TrimStart('/'), UriKind.Relative))
            {
                Content = new StringContent("""{"grantType":"client_credentials"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-TIMESTAMP", timestamp);
            request.Headers.Add("X-CLIENT-KEY", clientId);
            request.Headers.Add("X-SIGNATURE", signature);
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode} {body}\n{log}");
            var answer = JsonNode.Parse(body)!;
            Assert.Equal("2007300", answer["responseCode"]!.GetValue<string>());
            Assert.False(string.IsNullOrEmpty(answer["accessToken"]?.GetValue<string>()), body);

            // Both timer functions, run once each as the host runs them on their schedules.
            foreach (var timer in ShippedFunctions.Timers)
            {
                var result = await host.InvokeAsync(timer.Name);
                Assert.True(result.Succeeded, $"{timer.Name}: {result.Error}\n{log}");
            }
        }

        var output = log.ToString()!;
        Assert.DoesNotContain("is in error", output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        Assert.DoesNotContain("crit:", output, StringComparison.Ordinal);
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
    public async Task Package_holds_no_xml_docs_static_web_asset_manifests_or_symbols_of_packages()
    {
        var package = await DeploymentPackage.BuildAsync();

        // An XML file named after an assembly beside it is that assembly's documentation.
        var assemblies = package.Files.Where(f => f.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)).Select(f => f[..^4]).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var unneeded = package.Files.Where(f =>
            (f.EndsWith(".xml", StringComparison.OrdinalIgnoreCase) && assemblies.Contains(f[..^4])) ||
            Path.GetFileName(f).Contains(".staticwebassets", StringComparison.OrdinalIgnoreCase) ||
            Path.GetFileName(f) is "web.config" or "appsettings.Development.json").ToList();
        Assert.True(unneeded.Count == 0, $"The package holds files the app never reads at run time: {string.Join(", ", unneeded)}");

        // Symbols are read at run time (file and line in a logged stack trace), but only those of the
        // assemblies this repository's build compiles: its own and the Worker SDK's generated extension project.
        var symbols = package.Files.Where(f => f.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.All(symbols, pdb =>
        {
            Assert.True(assemblies.Contains(pdb[..^4]), $"{pdb} has no assembly beside it.");
            Assert.True(
                BuiltHere().IsMatch(pdb),
                $"{pdb} is the symbols of a package's assembly, which the app does not need.");
        });
    }

    [Fact]
    public async Task Every_entry_is_stored_with_unix_permissions_that_let_the_host_read_it()
    {
        var package = await DeploymentPackage.BuildAsync();

        Assert.All(package.Files, file =>
        {
            var mode = package.UnixMode(file);
            Assert.True((mode & 0b100_000_000) != 0, $"{file} is stored with mode {Convert.ToString(mode, 8)}: its owner cannot read it.");
        });
    }

    [Fact]
    public async Task Script_leaves_the_unzipped_site_folder_azd_deploys()
    {
        var package = await DeploymentPackage.BuildAsync();

        Assert.Equal(package.Files.Order(StringComparer.Ordinal), FilesUnder(package.Site));
    }

    [Fact]
    public async Task Python_fallback_zips_the_same_files_hidden_ones_included()
    {
        var withZip = await DeploymentPackage.BuildAsync();
        var withPython = await DeploymentPackage.BuildWithPythonAsync();

        Assert.Equal(withZip.Files.Order(StringComparer.Ordinal), withPython.Files.Order(StringComparer.Ordinal));
        Assert.Contains(withPython.Files, f => f.StartsWith(".azurefunctions/", StringComparison.Ordinal));
        Assert.All(withPython.Files, f => Assert.Equal(withZip.Read(f), withPython.Read(f)));
        Assert.All(withPython.EntryNames, name => Assert.False(name.StartsWith("./", StringComparison.Ordinal) || name.StartsWith('/'), name));
        Assert.All(withPython.Files, f => Assert.Equal(withZip.UnixMode(f), withPython.UnixMode(f)));
    }

    [Fact]
    public async Task Script_ends_with_a_one_line_summary()
    {
        var package = await DeploymentPackage.BuildAsync();

        Assert.Matches(Summary(), package.Summary);
        Assert.StartsWith($"{ShippedFunctions.AllNames.Count()} functions, {package.Files.Count} files ", package.Summary, StringComparison.Ordinal);
    }

    private static List<JsonObject> Functions(DeploymentPackage package) =>
        [.. package.ReadJson("functions.metadata").AsArray().Select(f => f!.AsObject())];

    private static List<JsonObject> Bindings(DeploymentPackage package, string functionName)
    {
        var function = Functions(package).SingleOrDefault(f => f["name"]!.GetValue<string>() == functionName);
        Assert.True(function is not null, $"functions.metadata in the zip has no function {functionName}.");
        return [.. function["bindings"]!.AsArray().Select(b => b!.AsObject())];
    }

    private static string? Text(JsonObject binding, string property) => binding[property]?.GetValue<string>();

    private static (bool ReadyToRun, Machine Machine) Inspect(byte[] image)
    {
        using var reader = new PEReader(new MemoryStream(image));
        var headers = reader.PEHeaders;
        Assert.True(headers.CorHeader is not null, "Not a .NET assembly.");
        return (headers.CorHeader.ManagedNativeHeaderDirectory.Size > 0, headers.CoffHeader.Machine);
    }

    private static List<string> FilesUnder(string directory) =>
        [.. Directory.GetFiles(directory, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(directory, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];

    [GeneratedRegex(@"^(QoinHub\.Merchant\.[A-Za-z.]+|\.azurefunctions/Microsoft\.Azure\.Functions\.Worker\.Extensions)\.pdb$")]
    private static partial Regex BuiltHere();

    [GeneratedRegex(@"^\d+ functions, \d+ files \(QoinHub\.Merchant\.Functions\.dll ReadyToRun, linux-x64\) -> \S+/qoinhub-merchant-functions\.zip \(\d+ MiB\)$")]
    private static partial Regex Summary();
}
