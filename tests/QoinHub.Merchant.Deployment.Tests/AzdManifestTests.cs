using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>azure.yaml: `azd up` packages with scripts/package.sh and deploys its output to the function app.</summary>
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

    [GeneratedRegex(@"out=""\$\{1:-(?<dir>[^}]+)\}""")]
    private static partial Regex DefaultOutput();
}
