using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Development credentials written by the simulator's <c>dev-keys</c> into a temporary directory,
/// and the app settings it printed for them (exactly what scripts/run-local.sh passes to the app).
/// </summary>
internal sealed class DevCredentials : IDisposable
{
    private DevCredentials(string root, IReadOnlyDictionary<string, string> appSettings)
    {
        Root = root;
        // The app's settings for these partners, and the outbox MAC key every test app uses.
        AppSettings = appSettings.Concat(OutboxMacTestKey.Settings("__")).ToDictionary(StringComparer.Ordinal);
    }

    /// <summary>The directory <c>dev-keys</c> ran in; its <c>.dev</c> holds the credentials.</summary>
    public string Root { get; }

    public string PrimaryDirectory => Path.Combine(Root, ".dev", "dev-qoinhub");

    public string SecondaryDirectory => Path.Combine(Root, ".dev", "dev-qoinhub-2");

    public IReadOnlyDictionary<string, string> AppSettings { get; }

    public IEnumerable<string> ClientSecrets => AppSettings.Where(setting => setting.Key.Contains("__ClientSecrets__", StringComparison.Ordinal)).Select(setting => setting.Value);

    public static async Task<DevCredentials> CreateAsync()
    {
        var root = Directory.CreateTempSubdirectory("qoinhub-e2e-").FullName;
        var run = await SimulatorCli.RunAsync(root, TimeSpan.FromMinutes(1), "dev-keys");
        Assert.True(run.ExitCode == 0, run.ToString());
        var settings = run.StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return new DevCredentials(root, settings);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
