using System.Reflection;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The app and simulator assemblies, built (by the project references) in the test's own
/// configuration, and the app's Native AOT executable, published by the test command
/// (scripts/publish-aot.sh) before the tests run.
/// </summary>
internal static class BuildOutput
{
    public static string App => Locate("src/Functions", "QoinHub.Merchant.Functions.dll");

    public static string Simulator => Locate("tools/QoinHub.Simulator", "QoinHub.Simulator.dll");

    /// <summary>
    /// The native executable that the deployment package ships. Missing is a failure, never a skip:
    /// the shipped build must not go untested because nobody published it.
    /// </summary>
    public static string NativeApp
    {
        get
        {
            var path = Path.Combine(AzuriteServer.RepositoryRoot, "artifacts", "aot", "QoinHub.Merchant.Functions");
            return File.Exists(path)
                ? path
                : throw new FileNotFoundException($"{path} is missing: publish it with ./scripts/publish-aot.sh (./scripts/test.sh does this before the tests).", path);
        }
    }

    private static string Locate(string projectDirectory, string assembly)
    {
        var path = Path.Combine(AzuriteServer.RepositoryRoot, projectDirectory, "bin", Metadata("BuildConfiguration"), Metadata("TargetFramework"), assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: build the solution (dotnet build) first.", path);
    }

    private static string Metadata(string key) =>
        typeof(BuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}

/// <summary>Which build of the app a test runs: the JIT build (<c>dotnet build</c>) or the Native AOT executable that is deployed.</summary>
public enum AppBuild
{
    Jit,
    NativeAot,
}
