using System.Reflection;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// What the end-to-end tests run: the worker published as it is deployed (scripts/publish.sh, run by
/// the test command before the tests), the project's Functions host and the simulator, built (by
/// the project references) in the test's own configuration.
/// </summary>
internal static class BuildOutput
{
    public static string Simulator => Locate("tools/QoinHub.Simulator", "QoinHub.Simulator.dll");

    public static string Host => Locate("tools/QoinHub.FunctionsHost", "QoinHub.FunctionsHost.dll");

    /// <summary>
    /// The published worker (linux-x64, ReadyToRun) that the deployment package ships. Missing is a
    /// failure, never a skip: the shipped build must not go untested because nobody published it.
    /// </summary>
    public static string PublishedApp
    {
        get
        {
            var directory = Path.Combine(AzuriteServer.RepositoryRoot, "artifacts", "publish");
            var app = Path.Combine(directory, "QoinHub.Merchant.Functions.dll");
            return File.Exists(app) && File.Exists(Path.Combine(directory, "functions.metadata"))
                ? directory
                : throw new FileNotFoundException($"{app} is missing: publish it with ./scripts/publish.sh (./scripts/test.sh does this before the tests).", app);
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
