using System.Text.Json;
using System.Xml.Linq;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The README's "Running under func start" steps: the folder they start <c>func start</c> in is the
/// worker's build output with everything the host reads, <c>local.settings.json</c> is copied there
/// (and never into a publish), the sample's settings are the ones func start needs, and what the
/// steps create is git-ignored. (Core Tools cannot be installed where the tests run, so func itself
/// is not started; the end-to-end tests run the same folder under the project's host.)
/// </summary>
public sealed class FunctionsHostInstructionsTests
{
    private const string BuildOutput = "src/Functions/bin/Release/net10.0";

    private static readonly string Root = AzuriteServer.RepositoryRoot;

    [Fact]
    public void Func_start_runs_in_the_workers_build_output_with_the_local_settings_copied_there()
    {
        var section = FuncStartSection();

        Assert.Contains("dotnet build src/Functions -c Release", section, StringComparison.Ordinal);
        Assert.Contains("cp local.settings.sample.json local.settings.json", section, StringComparison.Ordinal);
        Assert.Contains($"cd {BuildOutput}\n", section, StringComparison.Ordinal);
        Assert.Contains("func start", section, StringComparison.Ordinal);

        // The build copies the repository's host.json and local.settings.json beside the app, the
        // latter never into a publish (it holds a secret).
        var project = XDocument.Load(Path.Combine(Root, "src", "Functions", "QoinHub.Merchant.Functions.csproj"));
        var items = project.Descendants("None").ToDictionary(item => (string)item.Attribute("Link")!, StringComparer.Ordinal);
        Assert.Equal("PreserveNewest", (string?)items["host.json"].Attribute("CopyToOutputDirectory"));
        Assert.Equal(@"..\..\host.json", (string?)items["host.json"].Attribute("Include"));
        Assert.Equal(@"..\..\local.settings.json", (string?)items["local.settings.json"].Attribute("Include"));
        Assert.Equal("PreserveNewest", (string?)items["local.settings.json"].Attribute("CopyToOutputDirectory"));
        Assert.Equal("Never", (string?)items["local.settings.json"].Attribute("CopyToPublishDirectory"));
    }

    [Fact]
    public void The_build_output_is_a_function_app_root_the_host_can_run()
    {
        var output = Path.Combine(Root, BuildOutput.Replace('/', Path.DirectorySeparatorChar));
        Assert.True(Directory.Exists(output), $"{output} is missing: build src/Functions in Release first.");
        foreach (var file in new[] { "host.json", "worker.config.json", "functions.metadata", "QoinHub.Merchant.Functions.dll" })
        {
            Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is not in {BuildOutput}, where the README runs func start.");
        }

        using var worker = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "worker.config.json")));
        Assert.Equal("dotnet-isolated", worker.RootElement.GetProperty("description").GetProperty("language").GetString());
    }

    [Fact]
    public void The_sample_settings_are_what_func_start_needs_and_its_key_path_resolves_from_the_build_output()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "local.settings.sample.json")));
        var values = sample.RootElement.GetProperty("Values");

        Assert.False(sample.RootElement.GetProperty("IsEncrypted").GetBoolean());
        Assert.Equal("dotnet-isolated", values.GetProperty("FUNCTIONS_WORKER_RUNTIME").GetString());
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("AzureWebJobsStorage").GetString());
        Assert.Equal("UseDevelopmentStorage=true", values.GetProperty("Storage__ConnectionString").GetString());
        Assert.Equal("0 */1 * * * *", values.GetProperty("OutboxRelaySchedule").GetString());
        Assert.Equal("0 30 19 * * *", values.GetProperty("RetentionSchedule").GetString());
        Assert.Equal("dev-qoinhub", values.GetProperty("Partners__0__ClientId").GetString());

        // The app resolves a relative key path against the folder it runs in: the build output.
        var keyPath = values.GetProperty("Partners__0__PublicKeys__0").GetString()!;
        var resolved = Path.GetFullPath(Path.Combine(Root, BuildOutput, keyPath));
        Assert.Equal(Path.Combine(Root, ".dev", "dev-qoinhub", "public.pem"), resolved);

        // The secret is a placeholder the app refuses at start-up (StartupSettingsTests), never a default.
        Assert.StartsWith("paste ", values.GetProperty("Partners__0__ClientSecrets__0").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("local.settings.json")]
    [InlineData(".dev/dev-qoinhub/public.pem")]
    [InlineData(".azurite/__azurite_db_table__.json")]
    [InlineData("src/Functions/bin/Release/net10.0/local.settings.json")]
    public void What_the_steps_create_is_git_ignored(string created)
    {
        // Only the root-anchored and plain directory patterns this repository uses are understood here.
        var patterns = File.ReadAllLines(Path.Combine(Root, ".gitignore"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        var segments = created.Split('/');
        var ignored = patterns.Any(pattern =>
            pattern == created || pattern == "/" + created ||
            pattern == segments[0] + "/" || pattern == "/" + segments[0] + "/" ||
            segments.Any(segment => pattern == segment + "/"));
        Assert.True(ignored, $"{created} (made by the README's func start steps) is not git-ignored.");
    }

    private static string FuncStartSection()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("## Running under `func start`", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has no 'Running under `func start`' section.");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }
}
