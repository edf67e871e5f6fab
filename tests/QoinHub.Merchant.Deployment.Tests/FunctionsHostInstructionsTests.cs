using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The README's "Running under the Functions host" steps: the folder they start <c>func start</c>
/// in is the one scripts/package.sh fills, and what those steps create is git-ignored.
/// (Core Tools cannot be installed where the tests run, so the host itself is not started.)
/// </summary>
public sealed partial class FunctionsHostInstructionsTests
{
    private static readonly string Root = AzuriteServer.RepositoryRoot;

    [Fact]
    public void Func_start_runs_in_the_site_folder_package_sh_writes_by_default()
    {
        var section = FuncStartSection();
        var script = File.ReadAllText(Path.Combine(Root, "scripts", "package.sh"));
        var defaultOutput = DefaultOutput().Match(script);
        Assert.True(defaultOutput.Success, "scripts/package.sh has no default output folder.");

        Assert.Contains("./scripts/package.sh", section, StringComparison.Ordinal);
        Assert.Contains($"cd {defaultOutput.Groups["dir"].Value}/site\n", section, StringComparison.Ordinal);
        Assert.Contains($"cp local.settings.sample.json {defaultOutput.Groups["dir"].Value}/site/local.settings.json", section, StringComparison.Ordinal);
        Assert.Contains("func start", section, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Root, "local.settings.sample.json")));
    }

    [Theory]
    [InlineData("artifacts/package/site/host.json")]
    [InlineData("app/QoinHub.Merchant.Functions")]
    [InlineData("local.settings.json")]
    public void What_the_steps_create_is_git_ignored(string created)
    {
        // Only the root-anchored and plain directory patterns this repository uses are understood here.
        var patterns = File.ReadAllLines(Path.Combine(Root, ".gitignore"))
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .ToList();
        var firstSegment = created.Split('/')[0];
        var ignored = patterns.Any(pattern =>
            pattern == created || pattern == "/" + created ||
            pattern == firstSegment + "/" || pattern == "/" + firstSegment + "/");
        Assert.True(ignored, $"{created} (made by the README's func start steps) is not git-ignored.");
    }

    private static string FuncStartSection()
    {
        var readme = File.ReadAllText(Path.Combine(Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("## Running under the Functions host", StringComparison.Ordinal);
        Assert.True(start >= 0, "The README has no 'Running under the Functions host' section.");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [GeneratedRegex(@"out=""\$\{1:-(?<dir>[^}]+)\}""")]
    private static partial Regex DefaultOutput();
}
