using System.Reflection;
using System.Runtime.InteropServices;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The Bicep CLI restored by this project's <c>PackageDownload</c> of Azure.Bicep.CommandLine.linux-x64
/// (version in Directory.Packages.props). Build and lint of infra/main.bicep run once per test run.
/// </summary>
internal static class BicepCli
{
    public const string MainTemplate = "infra/main.bicep";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<Task<ProcessResult>> MainBuild = new(() => RunAsync(["build", MainTemplate, "--stdout"]));

    private static readonly Lazy<Task<ProcessResult>> MainLint = new(() => RunAsync(["lint", MainTemplate]));

    private static readonly Lazy<string> Executable = new(Locate);

    /// <summary><c>bicep build infra/main.bicep --stdout</c>: the ARM JSON on stdout.</summary>
    public static Task<ProcessResult> BuildMainAsync() => MainBuild.Value;

    /// <summary><c>bicep lint infra/main.bicep</c> with infra/bicepconfig.json.</summary>
    public static Task<ProcessResult> LintMainAsync() => MainLint.Value;

    /// <summary>
    /// <c>bicep snapshot</c> of a <c>.bicepparam</c> file (its <c>using</c> path relative to the file):
    /// every resource the deployment would create, with the template's expressions evaluated for
    /// these parameter values, offline. Writes <c>{name}.snapshot.json</c> beside the parameters file.
    /// </summary>
    public static Task<ProcessResult> SnapshotAsync(string parametersFile, IReadOnlyList<string> deploymentScope) =>
        RunAsync(["snapshot", parametersFile, .. deploymentScope]);

    private static Task<ProcessResult> RunAsync(string[] arguments) =>
        ProcessRunner.RunAsync(Executable.Value, arguments, AzuriteServer.RepositoryRoot, Timeout);

    private static string Locate()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.OSArchitecture != Architecture.X64)
        {
            throw new PlatformNotSupportedException(
                "The deployment tests run the linux-x64 Bicep CLI from NuGet; run them on Linux x64 (as CI does).");
        }

        var packageRoot = Metadata("NuGetPackageRoot");
        var version = Metadata("BicepCliVersion");
        var path = Path.Combine(packageRoot, "azure.bicep.commandline.linux-x64", version, "tools", "bicep");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"Bicep CLI {version} is not at {path}. Restore tests/QoinHub.Merchant.Deployment.Tests (dotnet restore) to download it.", path);
        }

        // NuGet does not always keep the executable bit when it extracts a package.
        var mode = File.GetUnixFileMode(path);
        const UnixFileMode execute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        if ((mode & UnixFileMode.UserExecute) == 0)
        {
            File.SetUnixFileMode(path, mode | execute);
        }

        return path;
    }

    private static string Metadata(string key) =>
        typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata {key} is missing; it is set by QoinHub.Merchant.Deployment.Tests.csproj.");
}
