using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>azure.yaml: `azd up` packages with scripts/package.sh (the tested ReadyToRun linux-x64 publish) and deploys its output to the function app.</summary>
public sealed partial class AzdManifestTests
{
    [Fact]
    public void Api_service_deploys_the_package_script_output_to_a_function_app()
    {
        var manifest = YamlDocument.Load(Path.Combine(AzuriteServer.RepositoryRoot, "azure.yaml"));

        var infra = manifest.Mapping("infra");
        Assert.Equal("bicep", infra.Scalar("provider"));
        Assert.True(File.Exists(Path.Combine(AzuriteServer.RepositoryRoot, infra.Scalar("path")!, $"{infra.Scalar("module")}.bicep")));

        var api = manifest.Mapping("services").Mapping("api");
        Assert.Equal("function", api.Scalar("host"));
        Assert.Equal("custom", api.Scalar("language"));
        Assert.Equal(".", api.Scalar("project"));
        Assert.Equal("./scripts/package.sh", api.Mapping("hooks").Mapping("prepackage").Mapping("posix").Scalar("run"));

        // dist is the folder the script fills when run without arguments.
        var script = File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "package.sh"));
        var defaultOutput = DefaultOutput().Match(script);
        Assert.True(defaultOutput.Success, "scripts/package.sh has no default output folder.");
        Assert.Equal($"{defaultOutput.Groups["dir"].Value}/site", api.Scalar("dist"));
    }

    [Fact]
    public void Azd_deploys_the_ready_to_run_linux_x64_publish_rather_than_a_publish_of_its_own()
    {
        var api = YamlDocument.Load(Path.Combine(AzuriteServer.RepositoryRoot, "azure.yaml")).Mapping("services").Mapping("api");

        // language: dotnet would make azd run its own `dotnet publish` (portable, no ReadyToRun).
        Assert.Equal("custom", api.Scalar("language"));
        Assert.Equal("./scripts/package.sh", api.Mapping("hooks").Mapping("prepackage").Mapping("posix").Scalar("run"));
        var package = File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "package.sh"));
        Assert.Contains("./scripts/publish.sh \"$publish\"", package, StringComparison.Ordinal);
        var publish = File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "publish.sh"));
        Assert.Contains("-r linux-x64", publish, StringComparison.Ordinal);
        Assert.Contains("--self-contained false", publish, StringComparison.Ordinal);
        Assert.Contains("-p:PublishReadyToRun=true", publish, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"out=""\$\{1:-(?<dir>[^}]+)\}""")]
    private static partial Regex DefaultOutput();
}
