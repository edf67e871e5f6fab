using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// Pins the roles infra/modules/access-roles.bicep grants to the principals listed in main.bicep's
/// queueConsumerPrincipals, operatorReaderPrincipals and operatorRepublisherPrincipals: which role, on
/// which queue or table, to whom, under which name. Nothing is granted while the lists are empty.
/// </summary>
public sealed partial class AccessRoleTemplateTests
{
    private const string RoleAssignment = "Microsoft.Authorization/roleAssignments";
    private const string Queue = "Microsoft.ServiceBus/namespaces/queues";
    private const string Table = "Microsoft.Storage/storageAccounts/tableServices/tables";
    private const string RoleAssignmentsSegment = "/providers/Microsoft.Authorization/roleAssignments/";

    /// <summary>main.bicep parameter → the access-roles parameter it feeds.</summary>
    private static readonly Dictionary<string, string> Lists = new(StringComparer.Ordinal)
    {
        ["queueConsumerPrincipals"] = "queueConsumers",
        ["operatorReaderPrincipals"] = "operatorReaders",
        ["operatorRepublisherPrincipals"] = "operatorRepublishers",
    };

    /// <summary>
    /// Every grant of the module: list, role, and the queue or table it is scoped to (by the module
    /// parameter naming it). Consumers receive; read-only operators read the two tables; repairing
    /// operators write them and send to the queue. No grant on the namespace or the storage account.
    /// </summary>
    private static readonly (string List, string Role, string ScopeType, string ScopeName)[] ExpectedGrants =
    [
        ("queueConsumers", BuiltInRoles.ServiceBusDataReceiver, Queue, "serviceBusQueueName"),
        ("operatorReaders", BuiltInRoles.StorageTableDataReader, Table, "notificationTableName"),
        ("operatorReaders", BuiltInRoles.StorageTableDataReader, Table, "tokenTableName"),
        ("operatorRepublishers", BuiltInRoles.StorageTableDataContributor, Table, "notificationTableName"),
        ("operatorRepublishers", BuiltInRoles.StorageTableDataContributor, Table, "tokenTableName"),
        ("operatorRepublishers", BuiltInRoles.ServiceBusDataSender, Queue, "serviceBusQueueName"),
    ];

    /// <summary>ARM's namespace for <c>guid()</c>: a name-based (version 5) UUID of its arguments joined by '-'.</summary>
    private static readonly Guid ArmGuidNamespace = new("11fb06fb-712d-4ddd-98c7-e71bbd588830");

    [Fact]
    public async Task Lists_are_optional_arrays_that_default_to_empty()
    {
        var parameters = (await ArmTemplate.MainAsync()).Root["parameters"]!.AsObject();

        foreach (var name in Lists.Keys)
        {
            var parameter = parameters[name];
            Assert.NotNull(parameter);
            Assert.Equal("array", parameter["type"]!.GetValue<string>());
            Assert.True(parameter["defaultValue"] is JsonArray { Count: 0 }, $"{name} must default to [] so that nothing is granted unless asked for.");
            var description = parameter["metadata"]?["description"]?.GetValue<string>() ?? "";
            Assert.Contains("principalId", description, StringComparison.Ordinal);
            Assert.Contains("principalType", description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Module_grants_each_list_exactly_its_roles_on_the_queue_or_tables_with_deterministic_names()
    {
        var template = await ArmTemplate.MainAsync();

        var module = template.OfType("Microsoft.Resources/deployments").Single(d => d.Node["name"]?.GetValue<string>() == "access-roles");
        foreach (var (main, inner) in Lists)
        {
            Assert.Equal($"[parameters('{main}')]", module.Find($"parameters.{inner}.value")?.GetValue<string>());
        }

        // The module names the queue and tables only by name: it must wait for the modules that create them.
        var dependsOn = module.Node["dependsOn"]?.AsArray().Select(d => d?.GetValue<string>() ?? "").ToList() ?? [];
        foreach (var creator in new[] { "storage", "servicebus" })
        {
            Assert.Contains(dependsOn, d => d.EndsWith($"'Microsoft.Resources/deployments', '{creator}')]", StringComparison.Ordinal));
        }

        var assignments = template.OfType(RoleAssignment).Where(a => a.Module == "access-roles").ToList();
        var grants = new List<(string List, string Role, string ScopeType, string ScopeName)>();
        foreach (var assignment in assignments)
        {
            var count = assignment.Node["copy"]?["count"]?.GetValue<string>() ?? "";
            var list = CopyCount().Match(count) is { Success: true } loop ? loop.Groups["list"].Value : "";
            Assert.True(Lists.ContainsValue(list), $"An assignment of access-roles is not one per item of a principal list: copy count '{count}'.");
            Assert.False(assignment.IsConditional);
            Assert.Equal($"[parameters('{list}')[copyIndex()].principalId]", assignment.String("principalId"));
            Assert.Equal($"[parameters('{list}')[copyIndex()].principalType]", assignment.String("principalType"));

            var scope = assignment.Node["scope"]?.GetValue<string>() ?? "";
            var scoped = ScopeExpression().Match(scope);
            Assert.True(scoped.Success, $"Unexpected scope {scope}.");

            // guid(scope id, principal id, role id): stable across deployments, distinct per grant.
            var role = RoleExpression().Match(assignment.String("roleDefinitionId") ?? "");
            Assert.True(role.Success, assignment.String("roleDefinitionId"));
            Assert.Equal(
                $"[guid({scope[1..^1]}, parameters('{list}')[copyIndex()].principalId, {role.Groups["role"].Value})]",
                assignment.Node["name"]?.GetValue<string>());

            grants.Add((list, ArmTemplate.RoleDefinitionGuid(assignment), scoped.Groups["type"].Value, scoped.Groups["name"].Value));
        }

        Assert.Equal(ExpectedGrants.Order(), grants.Order());
    }

    [Fact]
    public async Task Listed_principals_get_exactly_the_expected_roles_on_the_app_queue_and_tables()
    {
        var snapshot = await DeploymentSnapshot.WithAccessPrincipalsAsync();
        var queue = snapshot.Single(Queue)["id"]!.GetValue<string>();
        var settings = snapshot.AppSettings().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        // The tables the app (and the operator tool, from the same settings) uses.
        var ledger = TableId(snapshot, settings["Storage__NotificationTable"]);
        var tokens = TableId(snapshot, settings["Storage__TokenTable"]);

        var expected = DeploymentSnapshot.QueueConsumers
            .Select(p => Grant(p, BuiltInRoles.ServiceBusDataReceiver, queue))
            .Concat(DeploymentSnapshot.OperatorReaders.SelectMany(p => new[]
            {
                Grant(p, BuiltInRoles.StorageTableDataReader, ledger),
                Grant(p, BuiltInRoles.StorageTableDataReader, tokens),
            }))
            .Concat(DeploymentSnapshot.OperatorRepublishers.SelectMany(p => new[]
            {
                Grant(p, BuiltInRoles.StorageTableDataContributor, ledger),
                Grant(p, BuiltInRoles.StorageTableDataContributor, tokens),
                Grant(p, BuiltInRoles.ServiceBusDataSender, queue),
            }))
            .ToList();

        var granted = snapshot.OfType(RoleAssignment).Where(a => !IsFunctionIdentity(a)).ToList();
        var actual = granted.Select(a => (
            PrincipalId: a["properties"]!["principalId"]!.GetValue<string>(),
            PrincipalType: a["properties"]!["principalType"]!.GetValue<string>(),
            Role: RoleGuid(a),
            Scope: ScopeOf(a))).ToList();
        Assert.Equal(expected.Order(), actual.Order());

        foreach (var assignment in granted)
        {
            var properties = assignment["properties"]!;
            Assert.Equal(
                ArmGuid(ScopeOf(assignment), properties["principalId"]!.GetValue<string>(), RoleGuid(assignment)).ToString(),
                assignment["name"]!.GetValue<string>());
            Assert.Equal(
                $"/subscriptions/{DeploymentSnapshot.SubscriptionId}/providers/Microsoft.Authorization/roleDefinitions/{RoleGuid(assignment)}",
                properties["roleDefinitionId"]!.GetValue<string>());
        }

        // The app's own roles are the same with or without the lists.
        Assert.Equal(
            (await DeploymentSnapshot.WithTwoPartnersAsync()).OfType(RoleAssignment).Select(a => a["id"]!.GetValue<string>()).Order(StringComparer.Ordinal),
            snapshot.OfType(RoleAssignment).Where(IsFunctionIdentity).Select(a => a["id"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task With_the_lists_left_empty_only_the_function_identity_is_granted_anything()
    {
        var snapshot = await DeploymentSnapshot.WithTwoPartnersAsync();

        var assignments = snapshot.OfType(RoleAssignment).ToList();
        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.True(IsFunctionIdentity(a), $"{a["id"]} is granted to {a["properties"]?["principalId"]}."));
    }

    [Theory]
    [InlineData("access-principals-bad-type", "{ principalId: '00000000-0000-0000-0000-0000e9b10001', principalType: 'Person' }", "'Person'")]
    [InlineData("access-principals-no-type", "{ principalId: '00000000-0000-0000-0000-0000e9b10001' }", "principalType")]
    public async Task A_principal_without_a_valid_principal_type_is_refused(string name, string principal, string named)
    {
        var run = await DeploymentSnapshot.TryTakeAsync(name, $"""
            param environmentName = '{DeploymentSnapshot.EnvironmentName}'
            param location = '{DeploymentSnapshot.Location}'
            param qoinhubClientIds = ['{DeploymentSnapshot.ClientIds[0]}']
            param alertEmail = '{DeploymentSnapshot.AlertEmail}'
            param operatorRepublisherPrincipals = [{principal}]
            """);

        Assert.True(run.ExitCode != 0, run.ToString());
        var said = run.StandardOutput + run.StandardError;
        Assert.Contains("operatorRepublishers[0]", said, StringComparison.Ordinal);
        Assert.Contains(named, said, StringComparison.Ordinal);
    }

    [Fact]
    public void Azd_fills_the_lists_from_environment_variables()
    {
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(QoinHub.Merchant.Testing.AzuriteServer.RepositoryRoot, "infra", "main.parameters.json")))!;
        var given = file["parameters"]!.AsObject();

        Assert.Equal("${QUEUE_CONSUMER_PRINCIPALS}", given["queueConsumerPrincipals"]?["value"]?.GetValue<string>());
        Assert.Equal("${OPERATOR_READER_PRINCIPALS}", given["operatorReaderPrincipals"]?["value"]?.GetValue<string>());
        Assert.Equal("${OPERATOR_REPUBLISHER_PRINCIPALS}", given["operatorRepublisherPrincipals"]?["value"]?.GetValue<string>());
    }

    private static (string PrincipalId, string PrincipalType, string Role, string Scope) Grant((string PrincipalId, string PrincipalType) principal, string role, string scope) =>
        (principal.PrincipalId, principal.PrincipalType, role, scope);

    /// <summary>The app's own assignments: their principal is the user-assigned identity, known only once deployed.</summary>
    private static bool IsFunctionIdentity(JsonObject assignment) =>
        assignment["properties"]?["principalId"]?.GetValue<string>() is { } principal
        && principal.StartsWith("[reference(", StringComparison.Ordinal)
        && principal.Contains("/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-qoinhub-", StringComparison.Ordinal);

    private static string TableId(DeploymentSnapshot snapshot, string table) =>
        Assert.Single(snapshot.OfType(Table), t => t["id"]!.GetValue<string>().EndsWith($"/tableServices/default/tables/{table}", StringComparison.Ordinal))["id"]!.GetValue<string>();

    private static string ScopeOf(JsonObject assignment)
    {
        var id = assignment["id"]!.GetValue<string>();
        var at = id.LastIndexOf(RoleAssignmentsSegment, StringComparison.Ordinal);
        Assert.True(at > 0, id);
        return id[..at];
    }

    private static string RoleGuid(JsonObject assignment) =>
        assignment["properties"]!["roleDefinitionId"]!.GetValue<string>().Split('/')[^1].ToLowerInvariant();

    /// <summary>What ARM's <c>guid(a, b, c)</c> returns: RFC 4122 version 5 of "a-b-c" in ARM's namespace.</summary>
    private static Guid ArmGuid(params string[] parts)
    {
        Span<byte> name = stackalloc byte[16];
        ArmGuidNamespace.TryWriteBytes(name, bigEndian: true, out _);
#pragma warning disable CA5350 // SHA-1 is what RFC 4122 prescribes for name-based UUIDs; nothing here is a secret.
        var hash = SHA1.HashData([.. name, .. Encoding.UTF8.GetBytes(string.Join('-', parts))]);
#pragma warning restore CA5350
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true);
    }

    [GeneratedRegex(@"^\[length\(parameters\('(?<list>[A-Za-z]+)'\)\)\]$")]
    private static partial Regex CopyCount();

    [GeneratedRegex(@"^\[resourceId\('(?<type>[^']+)', .*parameters\('(?<name>[A-Za-z]+)'\)\)\]$")]
    private static partial Regex ScopeExpression();

    [GeneratedRegex(@"^\[subscriptionResourceId\('Microsoft\.Authorization/roleDefinitions', (?<role>variables\('roles'\)\.[A-Za-z]+)\)\]$")]
    private static partial Regex RoleExpression();
}
