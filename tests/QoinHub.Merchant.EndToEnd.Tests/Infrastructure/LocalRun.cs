using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One local setup as the README describes it: development credentials from <c>dev-keys</c>, the app
/// on Azurite with its own queue and tables and 5-second tokens (so the expired-token check runs), and the
/// simulator run from the directory that holds <c>.dev/</c>, so its default credentials apply.
/// </summary>
internal sealed class LocalRun : IDisposable
{
    private LocalRun(DevCredentials credentials, LocalQueue queue, MerchantApp app)
    {
        Credentials = credentials;
        Queue = queue;
        App = app;
    }

    public DevCredentials Credentials { get; }

    public LocalQueue Queue { get; }

    public MerchantApp App { get; }

    public string PathInRun(string name) => Path.Combine(Credentials.Root, name);

    public static async Task<LocalRun> StartAsync(string tokenLifetime = "00:00:05")
    {
        var credentials = await DevCredentials.CreateAsync();
        try
        {
            var queue = LocalQueue.CreateUnique();
            var tables = Guid.NewGuid().ToString("N")[..12];
            var settings = new Dictionary<string, string>(credentials.AppSettings, StringComparer.Ordinal)
            {
                ["Storage__ConnectionString"] = AzuriteServer.Instance.ConnectionString,

                // Tables of its own: runs of the same scenario (one per build) never see each other's rows.
                ["Storage__TokenTable"] = "e2etokens" + tables,
                ["Storage__NotificationTable"] = "e2eledger" + tables,
                ["Snap__TokenLifetime"] = tokenLifetime,
                ["LocalQueue__Name"] = queue.Name,

                // The app's own categories at Debug, so that a leak at any level shows up in its output.
                ["Logging__LogLevel__QoinHub"] = "Debug",
            };
            return new LocalRun(credentials, queue, await MerchantApp.StartAsync(settings));
        }
        catch
        {
            credentials.Dispose();
            throw;
        }
    }

    public Task<SimulatorRun> SimulateAsync(TimeSpan timeout, params string[] arguments) =>
        SimulatorCli.RunAsync(Credentials.Root, timeout, [.. arguments, "--base-url", App.BaseUrl.ToString()]);

    /// <summary>
    /// Asserts that none of the tokens, signatures and secrets the simulator recorded (and the
    /// partners' client secrets) appears in the app's output.
    /// </summary>
    public void AssertAppOutputHoldsNone(string sensitiveFile, int atLeast)
    {
        var values = File.ReadAllLines(sensitiveFile).Where(line => line.Length > 0).Concat(Credentials.ClientSecrets).Distinct().ToList();
        Assert.True(values.Count >= atLeast, $"Only {values.Count} sensitive values were recorded; expected at least {atLeast}.");
        var output = App.Output;
        Assert.False(string.IsNullOrWhiteSpace(output), "The app wrote no output at all, so the leak check would prove nothing.");
        var leaked = values.Where(value => output.Contains(value, StringComparison.Ordinal)).Select(value => value[..6] + "…").ToList();
        Assert.True(leaked.Count == 0, $"The app's output contains {leaked.Count} tokens, signatures or secrets: {string.Join(", ", leaked)}");
    }

    public void Dispose()
    {
        App.Dispose();
        Credentials.Dispose();
    }
}
