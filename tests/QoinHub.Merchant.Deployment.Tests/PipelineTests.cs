using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;
using YamlDotNet.RepresentationModel;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>azure-pipelines.yml: test with the README's command, package, then deploy through an environment.</summary>
public sealed partial class PipelineTests
{
    private static readonly string[] StageOrder = ["BuildAndTest", "Package", "Deploy"];

    private static YamlMappingNode Pipeline() => YamlDocument.Load(Path.Combine(AzuriteServer.RepositoryRoot, "azure-pipelines.yml"));

    private static YamlMappingNode Stage(string name) => Pipeline().Sequence("stages").Single(s => s.Scalar("stage") == name);

    private static IReadOnlyList<YamlMappingNode> Steps(YamlMappingNode stage) =>
        [.. stage.Sequence("jobs").SelectMany(j => j.Get("steps") is null
            ? j.Mapping("strategy").Mapping("runOnce").Mapping("deploy").Sequence("steps")
            : j.Sequence("steps"))];

    /// <summary>The test command CI runs: the one line of .ci/run that calls a script (the README's command).</summary>
    private static string ReadmeTestCommand()
    {
        var lines = File.ReadAllLines(Path.Combine(AzuriteServer.RepositoryRoot, ".ci", "run"))
            .Select(l => l.Trim())
            .Where(l => l.StartsWith("./", StringComparison.Ordinal))
            .ToList();
        return Assert.Single(lines);
    }

    [Fact]
    public void Pipeline_has_build_and_test_then_package_then_deploy_stages()
    {
        var stages = Pipeline().Sequence("stages");

        Assert.Equal(StageOrder, stages.Select(s => s.Scalar("stage")));
        Assert.Null(stages[0].Get("dependsOn"));
        Assert.Equal("BuildAndTest", stages[1].Scalar("dependsOn"));
        Assert.Equal("Package", stages[2].Scalar("dependsOn"));
    }

    [Fact]
    public void Test_step_runs_exactly_the_readme_test_command_after_installing_dotnet_and_node()
    {
        var command = ReadmeTestCommand();
        Assert.Equal("./scripts/test.sh", command);
        var readme = Path.Combine(AzuriteServer.RepositoryRoot, "README.md");
        if (File.Exists(readme))
        {
            Assert.Contains(command, File.ReadAllText(readme), StringComparison.Ordinal);
        }

        var steps = Steps(Stage("BuildAndTest"));
        var scripts = steps.Where(s => s.Get("script") is not null).ToList();
        var test = Assert.Single(scripts);
        Assert.Equal(command, test.Scalar("script")!.Trim());

        var before = steps.TakeWhile(s => s != test).Select(s => s.Scalar("task")).ToList();
        Assert.Contains("UseDotNet@2", before);
        Assert.Contains(before, t => t is "UseNode@1" or "NodeTool@0");
        var dotnet = steps.Single(s => s.Scalar("task") == "UseDotNet@2").Mapping("inputs");
        Assert.Equal("true", dotnet.Scalar("useGlobalJson"));
    }

    [Fact]
    public void Package_stage_runs_the_package_script_and_publishes_the_zip_as_an_artifact()
    {
        var pipeline = Pipeline();
        var steps = Steps(Stage("Package"));

        Assert.Contains(steps, s => s.Scalar("script")?.Trim() == "./scripts/package.sh");
        var published = steps.Where(s => s.Get("publish") is not null)
            .Select(s => Expand(s.Scalar("publish")!, pipeline))
            .ToList();
        Assert.Contains($"artifacts/package/{DeploymentPackage.ZipName}", published);
        Assert.Contains("infra", published);
    }

    [Fact]
    public void Package_stage_packages_the_worker_publish_output_the_test_stage_ran()
    {
        var testSteps = Steps(Stage("BuildAndTest")).ToList();
        var test = testSteps.FindIndex(s => s.Scalar("script")?.Trim() == ReadmeTestCommand());
        var published = testSteps.FindIndex(s => s.Scalar("publish") == "artifacts/publish");
        Assert.True(published > test, "The test stage must publish artifacts/publish (the worker the tests ran) after the tests.");
        var artifact = testSteps[published].Scalar("artifact");
        Assert.False(string.IsNullOrEmpty(artifact));

        var packageSteps = Steps(Stage("Package")).ToList();
        var download = packageSteps.FindIndex(s =>
            s.Scalar("task") == "DownloadPipelineArtifact@2" && s.Mapping("inputs").Scalar("artifact") == artifact);
        Assert.True(download >= 0, $"The Package stage does not download artifact {artifact}.");
        Assert.Equal("artifacts/publish", packageSteps[download].Mapping("inputs").Scalar("path"));
        var package = packageSteps.FindIndex(s => s.Scalar("script")?.Trim() == "./scripts/package.sh");
        Assert.True(package > download, "package.sh must run after the tested publish output is in place.");

        // The test command publishes into artifacts/publish, and package.sh packages that folder (reused when up to date).
        Assert.Contains("./scripts/publish.sh artifacts/publish", File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "test.sh")), StringComparison.Ordinal);
        var packageScript = File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "package.sh"));
        Assert.Contains("publish=artifacts/publish\n", packageScript.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("./scripts/publish.sh \"$publish\"", packageScript, StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_has_nothing_left_of_the_native_executable()
    {
        var pipeline = File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "azure-pipelines.yml"));

        Assert.DoesNotContain("artifacts/aot", pipeline, StringComparison.Ordinal);
        Assert.DoesNotContain("publish-aot", pipeline, StringComparison.Ordinal);
        Assert.DoesNotContain("chmod", pipeline, StringComparison.Ordinal);
        Assert.DoesNotContain("native", pipeline, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Deploy_stage_is_a_deployment_job_to_an_environment_that_provisions_then_deploys_the_package()
    {
        var stage = Stage("Deploy");

        var job = Assert.Single(stage.Sequence("jobs"));
        Assert.NotNull(job.Scalar("deployment"));
        Assert.False(string.IsNullOrWhiteSpace(job.Scalar("environment")), "Approvals and checks attach to an environment.");
        Assert.Contains("ne(variables['Build.Reason'], 'PullRequest')", stage.Scalar("condition") ?? "", StringComparison.Ordinal);

        var scripts = Steps(stage)
            .Where(s => s.Scalar("task") == "AzureCLI@2")
            .Select(s => s.Mapping("inputs").Scalar("inlineScript") ?? "")
            .ToList();
        var provision = scripts.FindIndex(s => s.Contains("az deployment sub create", StringComparison.Ordinal) && s.Contains("/infra/main.bicep", StringComparison.Ordinal));
        var deploy = scripts.FindIndex(s => s.Contains("az functionapp deployment source config-zip", StringComparison.Ordinal));
        Assert.True(provision >= 0, "No step provisions infra/main.bicep.");
        Assert.True(deploy > provision, "The package must be deployed after provisioning.");
        Assert.Contains("/functionapp/", scripts[deploy], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provision_step_passes_every_required_template_parameter()
    {
        var template = await ArmTemplate.MainAsync();
        var required = template.Root["parameters"]!.AsObject().Where(p => p.Value!["defaultValue"] is null).Select(p => p.Key).ToList();
        var provision = Steps(Stage("Deploy"))
            .Select(s => s.Get("inputs") is null ? "" : s.Mapping("inputs").Scalar("inlineScript") ?? "")
            .Single(s => s.Contains("az deployment sub create", StringComparison.Ordinal));

        Assert.Contains("qoinhubClientIds", required);
        Assert.Contains("alertEmail", required);
        Assert.All(required, name => Assert.Contains($" {name}=", provision, StringComparison.Ordinal));
    }

    /// <summary>Replaces <c>$(name)</c> with the pipeline's own variables.</summary>
    private static string Expand(string value, YamlMappingNode pipeline)
    {
        var variables = pipeline.Mapping("variables");
        return Macro().Replace(value, m => variables.Scalar(m.Groups["name"].Value) ?? m.Value);
    }

    [GeneratedRegex(@"\$\((?<name>[A-Za-z0-9_.]+)\)")]
    private static partial Regex Macro();
}
