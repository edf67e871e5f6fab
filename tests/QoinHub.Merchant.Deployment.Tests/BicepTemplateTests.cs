using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>infra/ compiles and lints clean with the pinned Bicep CLI, offline, and azd can fill its parameters.</summary>
public sealed partial class BicepTemplateTests
{
    [Fact]
    public async Task Main_template_compiles_without_diagnostics()
    {
        var build = await BicepCli.BuildMainAsync();

        Assert.True(build.ExitCode == 0, build.ToString());
        Assert.True(string.IsNullOrWhiteSpace(build.StandardError), build.ToString());
        // Subscription scope, as azd templates are: the template creates its own resource group.
        Assert.Contains("subscriptionDeploymentTemplate.json", JsonNode.Parse(build.StandardOutput)!["$schema"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_template_lints_clean_under_the_strict_analyzer_configuration()
    {
        var lint = await BicepCli.LintMainAsync();

        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.True(string.IsNullOrWhiteSpace(lint.StandardOutput) && string.IsNullOrWhiteSpace(lint.StandardError), lint.ToString());
    }

    [Fact]
    public void Analyzer_configuration_raises_every_enabled_rule_to_an_error()
    {
        var config = JsonNode.Parse(
            File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "infra", "bicepconfig.json")),
            documentOptions: new System.Text.Json.JsonDocumentOptions { CommentHandling = System.Text.Json.JsonCommentHandling.Skip })!;

        var core = config["analyzers"]!["core"]!;
        Assert.True(core["enabled"]!.GetValue<bool>());
        var levels = core["rules"]!.AsObject().ToDictionary(r => r.Key, r => r.Value!["level"]!.GetValue<string>(), StringComparer.Ordinal);
        Assert.All(levels, rule => Assert.True(
            rule.Value == "error" || rule.Key is "use-recent-api-versions" or "use-recent-module-versions",
            $"{rule.Key} is '{rule.Value}'; only the date- and registry-dependent rules may be off."));
        Assert.True(levels.Count >= 30, $"Only {levels.Count} rules are configured.");
    }

    [Fact]
    public void Templates_use_only_built_in_resource_types_and_local_modules()
    {
        var infra = Path.Combine(AzuriteServer.RepositoryRoot, "infra");

        var files = Directory.GetFiles(infra, "*.bicep", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "main.bicep");
        foreach (var file in files)
        {
            foreach (Match module in ModuleReference().Matches(File.ReadAllText(file)))
            {
                var target = module.Groups["path"].Value;
                Assert.False(target.Contains(':', StringComparison.Ordinal), $"{Path.GetFileName(file)} uses the registry module {target}; build machines reach no registry.");
                Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(file)!, target)), $"{Path.GetFileName(file)}: module {target} does not exist.");
            }
        }
    }

    [Fact]
    public async Task Azd_parameters_file_gives_every_required_parameter_and_nothing_unknown()
    {
        var template = await ArmTemplate.MainAsync();
        var declared = template.Root["parameters"]!.AsObject();
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "infra", "main.parameters.json")))!;
        var given = file["parameters"]!.AsObject();

        var required = declared.Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key).ToList();
        Assert.Contains("qoinhubClientIds", required);
        Assert.Contains("alertEmail", required);
        Assert.All(required, name => Assert.True(given.ContainsKey(name), $"main.parameters.json does not set required parameter {name}."));
        Assert.All(given, p => Assert.True(declared.ContainsKey(p.Key), $"main.parameters.json sets {p.Key}, which main.bicep does not declare."));
        Assert.All(given, p => Assert.Matches(@"^\$\{[A-Z0-9_]+\}$", p.Value!["value"]!.GetValue<string>()));
    }

    [GeneratedRegex(@"^\s*module\s+\w+\s+'(?<path>[^']+)'", RegexOptions.Multiline)]
    private static partial Regex ModuleReference();
}
