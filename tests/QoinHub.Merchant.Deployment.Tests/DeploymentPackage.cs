using System.IO.Compression;
using System.Text.Json.Nodes;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The deployment zip, built once per test run by the documented command (scripts/package.sh) into
/// artifacts/deployment-tests/package, and read back entry by entry. The script reuses the worker
/// published in artifacts/publish when it is up to date (the test command publishes it first), so
/// building the package takes seconds.
/// </summary>
internal sealed class DeploymentPackage
{
    public const string ZipName = "qoinhub-merchant-functions.zip";

    /// <summary>The folder package.sh packages (and publishes into when it is out of date).</summary>
    public static readonly string PublishDirectory = Path.Combine(AzuriteServer.RepositoryRoot, "artifacts", "publish");

    private static readonly Lazy<Task<DeploymentPackage>> Built = new(() => BuildOnceAsync("package", new Dictionary<string, string>()));

    private static readonly Lazy<Task<DeploymentPackage>> BuiltWithPython = new(async () =>
    {
        // After the default build, which publishes if needed: two publishes at once would only wait for each other.
        await Built.Value;
        return await BuildOnceAsync("package-python", new Dictionary<string, string> { ["QOINHUB_PACKAGE_ZIP"] = "python3" });
    });

    private readonly Dictionary<string, byte[]> _entries;
    private readonly Dictionary<string, int> _unixModes;

    private DeploymentPackage(string outputDirectory, string summary, IReadOnlyList<string> entryNames, Dictionary<string, byte[]> entries, Dictionary<string, int> unixModes)
    {
        OutputDirectory = outputDirectory;
        Summary = summary;
        EntryNames = entryNames;
        _entries = entries;
        _unixModes = unixModes;
    }

    /// <summary>Where the script wrote the zip and the unzipped site folder.</summary>
    public string OutputDirectory { get; }

    /// <summary>The unzipped tree the script leaves beside the zip (what azd deploys).</summary>
    public string Site => Path.Combine(OutputDirectory, "site");

    /// <summary>The script's last line of output.</summary>
    public string Summary { get; }

    /// <summary>Every entry name exactly as stored in the zip, directories included.</summary>
    public IReadOnlyList<string> EntryNames { get; }

    /// <summary>File entries (directories left out), '/'-separated, as in the zip.</summary>
    public IReadOnlyCollection<string> Files => _entries.Keys;

    /// <summary>The package as scripts/package.sh builds it by default (with <c>zip</c> where it is installed).</summary>
    public static Task<DeploymentPackage> BuildAsync() => Built.Value;

    /// <summary>The package as scripts/package.sh builds it with its python3 fallback (<c>QOINHUB_PACKAGE_ZIP=python3</c>).</summary>
    public static Task<DeploymentPackage> BuildWithPythonAsync() => BuiltWithPython.Value;

    public bool Contains(string path) => _entries.ContainsKey(path);

    /// <summary>The Unix permission bits stored for an entry (0 when the zip was made without them).</summary>
    public int UnixMode(string path) =>
        _unixModes.TryGetValue(path, out var mode) ? mode : throw new FileNotFoundException($"{path} is not in {ZipName}.", path);

    public byte[] Read(string path) =>
        _entries.TryGetValue(path, out var content) ? content : throw new FileNotFoundException($"{path} is not in {ZipName}.", path);

    public JsonNode ReadJson(string path) => JsonNode.Parse(Read(path)) ?? throw new InvalidDataException($"{path} in {ZipName} is JSON null.");

    private static async Task<DeploymentPackage> BuildOnceAsync(string folder, IReadOnlyDictionary<string, string> environment)
    {
        // Beside the other build outputs (git-ignored), not in artifacts/package where a developer's
        // own package lives; replaced on every run, so nothing accumulates.
        var output = Path.Combine(AzuriteServer.RepositoryRoot, "artifacts", "deployment-tests", folder);
        if (Directory.Exists(output))
        {
            Directory.Delete(output, recursive: true);
        }

        var script = Path.Combine(AzuriteServer.RepositoryRoot, "scripts", "package.sh");
        var run = await ProcessRunner.RunAsync("bash", [script, output], AzuriteServer.RepositoryRoot, TimeSpan.FromMinutes(10), environment);
        Assert.True(run.ExitCode == 0, run.ToString());

        var names = new List<string>();
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var modes = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var zip = await ZipFile.OpenReadAsync(Path.Combine(output, ZipName)))
        {
            foreach (var entry in zip.Entries)
            {
                names.Add(entry.FullName);
                if (entry.FullName.EndsWith('/'))
                {
                    continue;
                }

                using var stream = await entry.OpenAsync();
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer);
                entries.Add(entry.FullName, buffer.ToArray());
                modes.Add(entry.FullName, (entry.ExternalAttributes >> 16) & 0b111_111_111);
            }
        }

        var summary = run.StandardOutput.TrimEnd().Split('\n')[^1];
        return new DeploymentPackage(output, summary, names, entries, modes);
    }
}
