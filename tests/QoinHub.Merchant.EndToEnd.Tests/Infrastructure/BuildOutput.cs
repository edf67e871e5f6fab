using System.Reflection;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>The app and simulator assemblies, built (by the project references) in the test's own configuration.</summary>
internal static class BuildOutput
{
    public static string App => Locate("src/Functions", "QoinHub.Merchant.Functions.dll");

    public static string Simulator => Locate("tools/QoinHub.Simulator", "QoinHub.Simulator.dll");

    private static string Locate(string projectDirectory, string assembly)
    {
        var path = Path.Combine(AzuriteServer.RepositoryRoot, projectDirectory, "bin", Metadata("BuildConfiguration"), Metadata("TargetFramework"), assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: build the solution (dotnet build) first.", path);
    }

    private static string Metadata(string key) =>
        typeof(BuildOutput).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(attribute => attribute.Key == key).Value!;
}
