using System.IO.Compression;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The deployment zip, built once per test run by the documented command (scripts/package.sh) into
/// artifacts/deployment-tests/package, and read back entry by entry.
/// </summary>
internal sealed class DeploymentPackage
{
    public const string ZipName = "qoinhub-merchant-functions.zip";

    private static readonly Lazy<Task<DeploymentPackage>> Built = new(BuildOnceAsync);

    private readonly Dictionary<string, byte[]> _entries;
    private readonly Dictionary<string, int> _unixModes;

    private DeploymentPackage(string outputDirectory, Dictionary<string, byte[]> entries, Dictionary<string, int> unixModes)
    {
        OutputDirectory = outputDirectory;
        _entries = entries;
        _unixModes = unixModes;
    }

    /// <summary>Where the script wrote the zip and the unzipped site folder.</summary>
    public string OutputDirectory { get; }

    /// <summary>File entries (directories left out), '/'-separated, as in the zip.</summary>
    public IReadOnlyCollection<string> Files => _entries.Keys;

    public static Task<DeploymentPackage> BuildAsync() => Built.Value;

    public bool Contains(string path) => _entries.ContainsKey(path);

    /// <summary>The Unix permission bits stored for an entry (0 when the zip was made without them).</summary>
    public int UnixMode(string path) =>
        _unixModes.TryGetValue(path, out var mode) ? mode : throw new FileNotFoundException($"{path} is not in {ZipName}.", path);

    public byte[] Read(string path) =>
        _entries.TryGetValue(path, out var content) ? content : throw new FileNotFoundException($"{path} is not in {ZipName}.", path);

    private static async Task<DeploymentPackage> BuildOnceAsync()
    {
        // Beside the other build outputs (git-ignored), not in artifacts/package where a developer's
        // own package lives; replaced on every run, so nothing accumulates.
        var output = Path.Combine(AzuriteServer.RepositoryRoot, "artifacts", "deployment-tests", "package");
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var script = Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "package.sh");
        var run = await ProcessRunner.RunAsync("bash", [script, output], AzuriteServer.RepositoryRoot, TimeSpan.FromMinutes(10));
        Assert.True(run.ExitCode == 0, run.ToString());

        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var modes = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var zip = ZipFile.OpenRead(Path.Combine(output, ZipName)))
        {
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer);
                var name = entry.FullName.StartsWith("./", StringComparison.Ordinal) ? entry.FullName[2..] : entry.FullName;
                entries.Add(name, buffer.ToArray());
                modes.Add(name, (entry.ExternalAttributes >> 16) & 0b111_111_111);
            }
        }

        return new DeploymentPackage(output, entries, modes);
    }
}
