using System.Text.Json.Nodes;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// What infra/main.bicep would deploy for one set of parameter values, as <c>bicep snapshot</c>
/// evaluates it offline: copy loops expanded, parameters, variables and names filled in. Values that
/// only exist once deployed (<c>reference(…)</c> of another resource) stay expressions.
/// </summary>
internal sealed class DeploymentSnapshot
{
    public const string SubscriptionId = "00000000-0000-0000-0000-00000000a11e";
    public const string TenantId = "00000000-0000-0000-0000-00000000d1d0";
    public const string Location = "southeastasia";
    public const string EnvironmentName = "qoinhub-snapshot";
    public const string AlertEmail = "qoinhub-operators@example.com";

    /// <summary>Two partners, one of them with characters Key Vault names do not allow.</summary>
    public static readonly string[] ClientIds = ["QoinSnap", "Qoin_Snap.02"];

    private static readonly Lazy<Task<DeploymentSnapshot>> TwoPartners = new(() => TakeAsync("two-partners", $"""
        using '../../../infra/main.bicep'

        param environmentName = '{EnvironmentName}'
        param location = '{Location}'
        param qoinhubClientIds = [{string.Join(", ", ClientIds.Select(id => $"'{id}'"))}]
        param alertEmail = '{AlertEmail}'
        """));

    /// <summary>Principals of <see cref="WithAccessPrincipalsAsync"/>: two queue consumers of different kinds, a read-only operator group, a repairing operator.</summary>
    public static readonly (string PrincipalId, string PrincipalType)[] QueueConsumers =
    [
        ("00000000-0000-0000-0000-0000c0a50001", "ServicePrincipal"),
        ("00000000-0000-0000-0000-0000c0a50002", "Group"),
    ];

    public static readonly (string PrincipalId, string PrincipalType)[] OperatorReaders = [("00000000-0000-0000-0000-00000ead0001", "Group")];

    public static readonly (string PrincipalId, string PrincipalType)[] OperatorRepublishers = [("00000000-0000-0000-0000-0000e9b10001", "User")];

    private static readonly Lazy<Task<DeploymentSnapshot>> AccessPrincipals = new(() => TakeAsync("access-principals", $"""
        using '../../../infra/main.bicep'

        param environmentName = '{EnvironmentName}'
        param location = '{Location}'
        param qoinhubClientIds = ['{ClientIds[0]}']
        param alertEmail = '{AlertEmail}'
        param queueConsumerPrincipals = {PrincipalList(QueueConsumers)}
        param operatorReaderPrincipals = {PrincipalList(OperatorReaders)}
        param operatorRepublisherPrincipals = {PrincipalList(OperatorRepublishers)}
        """));

    private DeploymentSnapshot(JsonObject root)
    {
        Root = root;
        Resources = [.. root["predictedResources"]!.AsArray().Select(r => r!.AsObject())];
    }

    public JsonObject Root { get; }

    public IReadOnlyList<JsonObject> Resources { get; }

    /// <summary>The deployment with <see cref="ClientIds"/> and <see cref="AlertEmail"/>, every other parameter at its default.</summary>
    public static Task<DeploymentSnapshot> WithTwoPartnersAsync() => TwoPartners.Value;

    /// <summary>The deployment with <see cref="QueueConsumers"/>, <see cref="OperatorReaders"/> and <see cref="OperatorRepublishers"/> set.</summary>
    public static Task<DeploymentSnapshot> WithAccessPrincipalsAsync() => AccessPrincipals.Value;

    /// <summary>
    /// Runs <c>bicep snapshot</c> for these parameter lines (after the <c>using</c> line) and returns what the CLI
    /// said, for parameter values the template must refuse.
    /// </summary>
    public static async Task<ProcessResult> TryTakeAsync(string name, string parameters)
    {
        var (run, _) = await RunAsync(name, $"""
            using '../../../infra/main.bicep'

            {parameters}
            """);
        return run;
    }

    public IEnumerable<JsonObject> OfType(string type) =>
        Resources.Where(r => string.Equals(r["type"]?.GetValue<string>(), type, StringComparison.OrdinalIgnoreCase));

    public JsonObject Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The function app's settings, name → value, in the order the template lists them.</summary>
    public IReadOnlyList<(string Name, string Value)> AppSettings() =>
        [.. Single("Microsoft.Web/sites")["properties"]!["siteConfig"]!["appSettings"]!.AsArray()
            .Select(s => (s!["name"]!.GetValue<string>(), s["value"]!.GetValue<string>()))];

    private static async Task<DeploymentSnapshot> TakeAsync(string name, string parameters)
    {
        var (run, snapshotFile) = await RunAsync(name, parameters);

        Assert.True(run.ExitCode == 0, run.ToString());
        var root = JsonNode.Parse(await File.ReadAllTextAsync(snapshotFile))!.AsObject();
        Assert.True(root["diagnostics"] is JsonArray { Count: 0 }, root["diagnostics"]?.ToJsonString());
        return new DeploymentSnapshot(root);
    }

    private static async Task<(ProcessResult Run, string SnapshotFile)> RunAsync(string name, string parameters)
    {
        // Under the repository (git-ignored artifacts/), because a .bicepparam must name its template by a relative path.
        var directory = Path.Combine(AzuriteServer.RepositoryRoot, "artifacts", "deployment-tests", "snapshot");
        Directory.CreateDirectory(directory);
        var parametersFile = Path.Combine(directory, name + ".bicepparam");
        var snapshotFile = Path.Combine(directory, name + ".snapshot.json");
        File.Delete(snapshotFile);
        await File.WriteAllTextAsync(parametersFile, parameters);

        var run = await BicepCli.SnapshotAsync(
            parametersFile,
            ["--subscription-id", SubscriptionId, "--tenant-id", TenantId, "--location", Location, "--deployment-name", name]);
        return (run, snapshotFile);
    }

    /// <summary>A Bicep array literal of <c>{ principalId, principalType }</c> objects.</summary>
    public static string PrincipalList(IEnumerable<(string PrincipalId, string PrincipalType)> principals) =>
        $"[{string.Join(", ", principals.Select(p => $"{{ principalId: '{p.PrincipalId}', principalType: '{p.PrincipalType}' }}"))}]";
}
