using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml;
using QoinHub.FunctionsHost.Timers;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// Pins the security-relevant settings of the compiled infra/main.bicep (ARM JSON from the Bicep CLI).
/// A failure here means a change weakened the deployment, or needs a deliberate update of this file.
/// </summary>
public sealed partial class InfrastructureTemplateTests
{
    private const string RoleAssignment = "Microsoft.Authorization/roleAssignments";

    /// <summary>The app's needs (issue) plus the Functions host's: identity-based AzureWebJobsStorage and deployment container, Entra-authenticated telemetry.</summary>
    private static readonly Dictionary<string, string> FunctionIdentityRoles = new(StringComparer.OrdinalIgnoreCase)
    {
        [BuiltInRoles.KeyVaultSecretsUser] = "Microsoft.KeyVault/vaults",
        [BuiltInRoles.StorageTableDataContributor] = "Microsoft.Storage/storageAccounts",
        [BuiltInRoles.ServiceBusDataSender] = "Microsoft.ServiceBus/namespaces/queues",
        [BuiltInRoles.StorageBlobDataOwner] = "Microsoft.Storage/storageAccounts",
        [BuiltInRoles.MonitoringMetricsPublisher] = "Microsoft.Insights/components",
    };

    /// <summary>
    /// "{access-roles list} {role}" for every assignment to a listed principal: the order system receives from
    /// the queue, read-only operators read the two tables, repairing operators write them and send to the queue.
    /// </summary>
    private static readonly string[] ListedPrincipalRoles =
    [
        $"queueConsumers {BuiltInRoles.ServiceBusDataReceiver}",
        $"operatorReaders {BuiltInRoles.StorageTableDataReader}",
        $"operatorReaders {BuiltInRoles.StorageTableDataReader}",
        $"operatorRepublishers {BuiltInRoles.StorageTableDataContributor}",
        $"operatorRepublishers {BuiltInRoles.StorageTableDataContributor}",
        $"operatorRepublishers {BuiltInRoles.ServiceBusDataSender}",
    ];

    private static readonly string[] ExpectedAppSettings =
    [
        "AzureWebJobsStorage__accountName",
        "AzureWebJobsStorage__credential",
        "AzureWebJobsStorage__clientId",
        "APPLICATIONINSIGHTS_CONNECTION_STRING",
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        "AZURE_CLIENT_ID",
        "KeyVault__Uri",
        "Storage__TableServiceUri",
        "Storage__QueueServiceUri",
        "Storage__TokenTable",
        "Storage__NotificationTable",
        "ServiceBus__FullyQualifiedNamespace",
        "ServiceBus__QueueName",
        "Snap__NotifyPaths__0",
        "OutboxRelaySchedule",
        "RetentionSchedule",
        "Outbox__MacKeyId",
        "Outbox__MacVerifyKeyIds",
    ];

    /// <summary>
    /// App settings a Flex Consumption app refuses or ignores: the runtime stack and version come from
    /// functionAppConfig.runtime, the package from functionAppConfig.deployment.
    /// </summary>
    private static readonly string[] NotOnFlexConsumption =
    [
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_WORKER_RUNTIME_VERSION", "FUNCTIONS_EXTENSION_VERSION",
        "WEBSITE_RUN_FROM_PACKAGE", "WEBSITE_CONTENTSHARE", "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
        "WEBSITE_CONTENTOVERVNET", "WEBSITE_SKIP_CONTENTSHARE_VALIDATION", "WEBSITE_NODE_DEFAULT_VERSION",
        "SCM_DO_BUILD_DURING_DEPLOYMENT", "ENABLE_ORYX_BUILD", "FUNCTIONS_CUSTOMHANDLER_PORT",
    ];

    /// <summary>Fragments that only appear where a key, password, SAS or secret-bearing connection string is built.</summary>
    private static readonly string[] SecretMarkers =
    [
        "listKeys", "listSecrets", "listConnectionStrings", "listAccountSas", "listServiceSas", "listCredentials",
        "AccountKey", "SharedAccessKey", "SharedAccessSignature", "Password", "secretUri", "@Microsoft.KeyVault",
    ];

    [Fact]
    public async Task Function_identity_holds_exactly_the_roles_it_needs_each_on_its_own_resource()
    {
        var template = await ArmTemplate.MainAsync();

        var identityAssignments = template.OfType(RoleAssignment)
            .Where(a => a.String("principalId") == "[parameters('identityPrincipalId')]")
            .ToList();

        var granted = identityAssignments.Select(ArmTemplate.RoleDefinitionGuid).ToList();
        Assert.Equal(FunctionIdentityRoles.Keys.Order(StringComparer.OrdinalIgnoreCase), granted.Order(StringComparer.OrdinalIgnoreCase));
        foreach (var assignment in identityAssignments)
        {
            var role = ArmTemplate.RoleDefinitionGuid(assignment);
            Assert.Equal("identity-roles", assignment.Module);
            Assert.False(assignment.IsConditional, $"Role {role} must always be granted.");
            Assert.Equal("ServicePrincipal", assignment.String("principalType"));
            var scope = assignment.Node["scope"]?.GetValue<string>() ?? "";
            Assert.Contains($"resourceId('{FunctionIdentityRoles[role]}'", scope, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Role_assignments_go_only_to_the_function_identity_an_optional_secrets_operator_and_the_listed_principals()
    {
        var template = await ArmTemplate.MainAsync();

        var others = template.OfType(RoleAssignment)
            .Where(a => a.String("principalId") != "[parameters('identityPrincipalId')]")
            .ToList();

        // The principals listed in queueConsumerPrincipals, operatorReaderPrincipals and
        // operatorRepublisherPrincipals (none by default): one assignment per item of one of the three
        // lists, to that item's principal, and only these roles (scopes and names: AccessRoleTemplateTests).
        // Anything else, in access-roles or elsewhere, falls through to the single operator assignment below.
        var listed = others
            .Where(a => a.Module == "access-roles"
                && ListedPrincipal().Match(a.String("principalId") ?? "") is { Success: true } item
                && a.Node["copy"]?["count"]?.GetValue<string>() == $"[length(parameters('{item.Groups["list"].Value}'))]"
                && a.String("principalType") == $"[parameters('{item.Groups["list"].Value}')[copyIndex()].principalType]")
            .ToList();
        var listedGrants = listed
            .Select(a => $"{ListedPrincipal().Match(a.String("principalId")!).Groups["list"].Value} {ArmTemplate.RoleDefinitionGuid(a)}")
            .Order(StringComparer.Ordinal);
        Assert.Equal(ListedPrincipalRoles.Order(StringComparer.Ordinal), listedGrants);

        var accessRoles = template.OfType("Microsoft.Resources/deployments").Single(d => d.Node["name"]?.GetValue<string>() == "access-roles");
        Assert.Equal("[parameters('queueConsumerPrincipals')]", accessRoles.Find("parameters.queueConsumers.value")?.GetValue<string>());
        Assert.Equal("[parameters('operatorReaderPrincipals')]", accessRoles.Find("parameters.operatorReaders.value")?.GetValue<string>());
        Assert.Equal("[parameters('operatorRepublisherPrincipals')]", accessRoles.Find("parameters.operatorRepublishers.value")?.GetValue<string>());

        var operatorAssignment = Assert.Single(others.Except(listed));
        Assert.Equal(BuiltInRoles.KeyVaultSecretsOfficer, ArmTemplate.RoleDefinitionGuid(operatorAssignment));
        Assert.Equal("[parameters('operatorPrincipalId')]", operatorAssignment.String("principalId"));
        Assert.Equal("[not(empty(parameters('operatorPrincipalId')))]", operatorAssignment.Node["condition"]?.GetValue<string>());
        Assert.Contains("resourceId('Microsoft.KeyVault/vaults'", operatorAssignment.Node["scope"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Identity_roles_are_granted_to_the_user_assigned_identity_the_app_runs_as()
    {
        var template = await ArmTemplate.MainAsync();

        var rolesModule = template.OfType("Microsoft.Resources/deployments").Single(d => d.Node["name"]?.GetValue<string>() == "identity-roles");
        var principal = rolesModule.Find("parameters.identityPrincipalId.value")?.GetValue<string>() ?? "";
        Assert.Contains("'Microsoft.Resources/deployments', 'identity')", principal, StringComparison.Ordinal);
        Assert.EndsWith(".outputs.principalId.value]", principal, StringComparison.Ordinal);

        var identity = template.Single("Microsoft.ManagedIdentity/userAssignedIdentities");
        Assert.Equal("identity", identity.Module);
        var site = template.Single("Microsoft.Web/sites");
        Assert.Equal("UserAssigned", site.Node["identity"]?["type"]?.GetValue<string>());
    }

    [Fact]
    public async Task Storage_account_refuses_shared_keys_public_blobs_plain_http_and_old_tls()
    {
        var storage = (await ArmTemplate.MainAsync()).Single("Microsoft.Storage/storageAccounts");

        Assert.False(storage.Boolean("allowSharedKeyAccess"));
        Assert.False(storage.Boolean("allowBlobPublicAccess"));
        Assert.True(storage.Boolean("supportsHttpsTrafficOnly"));
        Assert.True(storage.Boolean("defaultToOAuthAuthentication"));
        Assert.Equal("TLS1_2", storage.String("minimumTlsVersion"));
    }

    [Fact]
    public async Task Blob_containers_are_private_and_the_app_tables_exist()
    {
        var template = await ArmTemplate.MainAsync();

        var containers = template.OfType("Microsoft.Storage/storageAccounts/blobServices/containers").ToList();
        Assert.NotEmpty(containers);
        Assert.All(containers, c => Assert.Equal("None", c.String("publicAccess")));
        Assert.Equal(2, template.OfType("Microsoft.Storage/storageAccounts/tableServices/tables").Count());
    }

    [Fact]
    public async Task Key_vault_uses_rbac_soft_delete_and_purge_protection()
    {
        var vault = (await ArmTemplate.MainAsync()).Single("Microsoft.KeyVault/vaults");

        Assert.True(vault.Boolean("enableRbacAuthorization"));
        Assert.True(vault.Boolean("enableSoftDelete"));
        Assert.True(vault.Boolean("enablePurgeProtection"));
        Assert.InRange(vault.Find("softDeleteRetentionInDays")!.GetValue<int>(), 7, 90);
        Assert.True(vault.Find("accessPolicies") is null or JsonArray { Count: 0 }, "An RBAC vault takes no access policies.");
        Assert.False(vault.Boolean("enabledForTemplateDeployment"));
    }

    [Fact]
    public async Task Key_vault_holds_no_secret_from_the_template()
    {
        var template = await ArmTemplate.MainAsync();

        Assert.Empty(template.OfType("Microsoft.KeyVault/vaults/secrets"));
    }

    [Fact]
    public async Task Service_bus_queue_detects_duplicates_for_at_least_a_day_and_dead_letters_expired_messages()
    {
        var template = await ArmTemplate.MainAsync();
        var queue = template.Single("Microsoft.ServiceBus/namespaces/queues");

        Assert.True(queue.Boolean("requiresDuplicateDetection"));
        var window = XmlConvert.ToTimeSpan(queue.String("duplicateDetectionHistoryTimeWindow")!);
        Assert.True(window >= TimeSpan.FromDays(1), $"Duplicate detection window {window} is shorter than a day.");
        Assert.True(queue.Boolean("deadLetteringOnMessageExpiration"));
        Assert.False(queue.Boolean("requiresSession"));
    }

    [Fact]
    public async Task Service_bus_namespace_is_standard_identity_only_and_tls_1_2()
    {
        var ns = (await ArmTemplate.MainAsync()).Single("Microsoft.ServiceBus/namespaces");

        Assert.Equal("Standard", ns.Node["sku"]?["name"]?.GetValue<string>());
        Assert.True(ns.Boolean("disableLocalAuth"));
        Assert.Equal("1.2", ns.String("minimumTlsVersion"));
    }

    [Fact]
    public async Task Function_app_is_https_only_with_tls_1_2_and_no_ftp_or_basic_publishing_credentials()
    {
        var template = await ArmTemplate.MainAsync();
        var site = template.Single("Microsoft.Web/sites");

        Assert.True(site.Boolean("httpsOnly"));
        Assert.Equal("1.2", site.String("siteConfig.minTlsVersion"));
        Assert.Equal("1.2", site.String("siteConfig.scmMinTlsVersion"));
        Assert.Equal("Disabled", site.String("siteConfig.ftpsState"));
        var policies = template.OfType("Microsoft.Web/sites/basicPublishingCredentialsPolicies").ToList();
        Assert.Equal(["ftp", "scm"], policies.Select(p => ChildName(p.Node["name"]!.GetValue<string>())).Order(StringComparer.Ordinal));
        Assert.All(policies, p => Assert.False(p.Boolean("allow")));
    }

    [Fact]
    public async Task Every_tls_minimum_in_the_template_is_1_2()
    {
        var template = await ArmTemplate.MainAsync();

        var minimums = template.Resources
            .SelectMany(r => Descendants(r.Properties)
                .Where(p => p.Key is "minimumTlsVersion" or "minTlsVersion" or "scmMinTlsVersion")
                .Select(p => (r.Type, p.Key, Value: p.Value?.GetValue<string>())))
            .ToList();

        Assert.Contains(minimums, m => m.Type == "Microsoft.Storage/storageAccounts");
        Assert.Contains(minimums, m => m.Type == "Microsoft.ServiceBus/namespaces");
        Assert.Contains(minimums, m => m.Type == "Microsoft.Web/sites");
        Assert.All(minimums, m => Assert.True(m.Value is "TLS1_2" or "1.2", $"{m.Type} {m.Key} is {m.Value}."));
    }

    [Fact]
    public async Task Function_app_runs_on_flex_consumption_with_the_dotnet_isolated_10_stack_and_deploys_by_identity()
    {
        var template = await ArmTemplate.MainAsync();
        var plan = template.Single("Microsoft.Web/serverfarms");
        var site = template.Single("Microsoft.Web/sites");

        Assert.Equal("FlexConsumption", plan.Node["sku"]?["tier"]?.GetValue<string>());
        Assert.Equal("FC1", plan.Node["sku"]?["name"]?.GetValue<string>());
        Assert.True(plan.Boolean("reserved"), "Flex Consumption is Linux only.");
        Assert.Equal("functionapp,linux", site.Node["kind"]?.GetValue<string>());
        // The package is the isolated worker's publish output (framework-dependent, .NET 10): the
        // dotnet-isolated stack gives the instance the .NET 10 runtime the worker runs on.
        Assert.Equal("dotnet-isolated", site.String("functionAppConfig.runtime.name"));
        Assert.Equal("10.0", site.String("functionAppConfig.runtime.version"));
        Assert.Equal("blobContainer", site.String("functionAppConfig.deployment.storage.type"));
        Assert.Equal("UserAssignedIdentity", site.String("functionAppConfig.deployment.storage.authentication.type"));
        Assert.Null(site.Find("functionAppConfig.deployment.storage.authentication.storageAccountConnectionStringName"));
        Assert.Contains("'azd-service-name'", site.Node["tags"]?.GetValue<string>() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Function_app_takes_its_stack_only_from_functionAppConfig_as_flex_consumption_requires()
    {
        var snapshot = await DeploymentSnapshot.WithTwoPartnersAsync();
        var site = snapshot.Single("Microsoft.Web/sites");

        var names = snapshot.AppSettings().Select(s => s.Name).ToList();
        Assert.All(NotOnFlexConsumption, name => Assert.DoesNotContain(name, names, StringComparer.OrdinalIgnoreCase));
        var siteConfig = site["properties"]!["siteConfig"]!.AsObject();
        Assert.All(["linuxFxVersion", "netFrameworkVersion", "windowsFxVersion"], key => Assert.Null(siteConfig[key]));
    }

    [Fact]
    public async Task Timer_schedules_are_set_to_the_shipped_ncrontab_expressions()
    {
        var settings = (await DeploymentSnapshot.WithTwoPartnersAsync()).AppSettings().ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        var parameters = (await ArmTemplate.MainAsync()).Root["parameters"]!.AsObject();

        foreach (var timer in ShippedFunctions.Timers)
        {
            Assert.True(settings.TryGetValue(timer.ScheduleSetting, out var value), $"The template does not set {timer.ScheduleSetting}; the host would not index {timer.Name}.");
            Assert.Equal(timer.ShippedSchedule, value);
            var fields = value.Split(' ');
            Assert.True(fields.Length == 6, $"{timer.ScheduleSetting} '{value}' is not six space-separated fields (second minute hour day month day-of-week).");
            Assert.All(fields, field => Assert.Matches(@"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$", field));
            CronSchedule.Parse(value);
        }

        Assert.Equal(ShippedFunctions.OutboxRelay.ShippedSchedule, parameters["outboxRelaySchedule"]!["defaultValue"]!.GetValue<string>());
        Assert.Equal(ShippedFunctions.Retention.ShippedSchedule, parameters["retentionSchedule"]!["defaultValue"]!.GetValue<string>());

        // What they mean, in UTC: the relay every minute on the minute, retention daily at 19:30 (02:30 in Jakarta).
        var from = new DateTimeOffset(2026, 3, 1, 23, 59, 30, TimeSpan.Zero);
        var relay = CronSchedule.Parse(settings[ShippedFunctions.OutboxRelay.ScheduleSetting]);
        Assert.Equal(from.AddSeconds(30), relay.NextAfter(from));
        Assert.Equal(from.AddSeconds(90), relay.NextAfter(from.AddSeconds(30)));
        var retention = CronSchedule.Parse(settings[ShippedFunctions.Retention.ScheduleSetting]);
        var first = retention.NextAfter(from)!.Value;
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 19, 30, 0, TimeSpan.Zero), first);
        Assert.Equal(new TimeSpan(2, 30, 0), first.ToOffset(TimeSpan.FromHours(7)).TimeOfDay);
        Assert.Equal(first.AddDays(1), retention.NextAfter(first));
    }

    [Fact]
    public async Task Every_schedule_setting_a_timer_in_the_package_names_is_set_by_the_template()
    {
        var package = await DeploymentPackage.BuildAsync();
        var settings = (await DeploymentSnapshot.WithTwoPartnersAsync()).AppSettings().Select(s => s.Name).ToHashSet(StringComparer.Ordinal);

        var schedules = package.ReadJson("functions.metadata").AsArray()
            .SelectMany(f => f!["bindings"]!.AsArray())
            .Where(b => b!["type"]?.GetValue<string>() == "timerTrigger")
            .Select(b => b!["schedule"]!.GetValue<string>())
            .ToList();
        Assert.Equal(ShippedFunctions.Timers.Length, schedules.Count);
        foreach (var schedule in schedules)
        {
            Assert.Matches("^%[A-Za-z0-9_]+%$", schedule);
            Assert.Contains(schedule.Trim('%'), settings);
        }
    }

    [Fact]
    public async Task App_settings_wire_every_dependency_by_identity_and_carry_no_secret()
    {
        var snapshot = await DeploymentSnapshot.WithTwoPartnersAsync();
        var site = snapshot.Single("Microsoft.Web/sites");

        var settings = snapshot.AppSettings();
        var partners = DeploymentSnapshot.ClientIds.Select((_, i) => $"Partners__{i}__ClientId");
        Assert.Equal(ExpectedAppSettings.Concat(partners).Order(StringComparer.Ordinal), settings.Select(s => s.Name).Order(StringComparer.Ordinal));
        foreach (var (name, value) in settings)
        {
            Assert.DoesNotContain(SecretMarkers, marker => value.Contains(marker, StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain(SecretMarkers, marker => name.Contains(marker, StringComparison.OrdinalIgnoreCase));
        }

        var byName = settings.ToDictionary(s => s.Name, s => s.Value, StringComparer.Ordinal);
        Assert.Equal("managedidentity", byName["AzureWebJobsStorage__credential"]);
        Assert.Equal(byName["AZURE_CLIENT_ID"], byName["AzureWebJobsStorage__clientId"]);
        Assert.Contains("Microsoft.ManagedIdentity/userAssignedIdentities", byName["AZURE_CLIENT_ID"], StringComparison.Ordinal);
        Assert.Contains("Authorization=AAD", byName["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"], StringComparison.Ordinal);

        // The outbox MAC key by id only: its value is the Key Vault secret outbox-mac-key-k1, set by hand (docs/deploy.md).
        Assert.Equal(("k1", string.Empty), (byName["Outbox__MacKeyId"], byName["Outbox__MacVerifyKeyIds"]));
        Assert.Null(site["properties"]!["siteConfig"]!["connectionStrings"]);
    }

    [Fact]
    public async Task One_partner_setting_per_listed_client_id_in_order_and_no_other_partner_setting()
    {
        var settings = (await DeploymentSnapshot.WithTwoPartnersAsync()).AppSettings();

        var partnerSettings = settings.Where(s => s.Name.StartsWith("Partners__", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [("Partners__0__ClientId", "QoinSnap"), ("Partners__1__ClientId", "Qoin_Snap.02")],
            partnerSettings);
        Assert.Equal(DeploymentSnapshot.ClientIds.Length, partnerSettings.Count);
    }

    [Fact]
    public async Task Client_ids_parameter_is_a_list_of_at_least_one()
    {
        var parameters = (await ArmTemplate.MainAsync()).Root["parameters"]!.AsObject();

        var clientIds = parameters["qoinhubClientIds"]!;
        Assert.Equal("array", clientIds["type"]!.GetValue<string>());
        Assert.Equal(1, clientIds["minLength"]!.GetValue<int>());
        Assert.Null(clientIds["defaultValue"]);
        Assert.False(parameters.ContainsKey("qoinhubClientId"), "The single-partner parameter is gone: list the ids in qoinhubClientIds.");
    }

    [Fact]
    public async Task Signed_notify_path_defaults_to_the_route_the_package_serves()
    {
        var template = await ArmTemplate.MainAsync();

        var declared = template.Root["parameters"]!["qoinhubNotifyPath"]!["defaultValue"]!.GetValue<string>();
        Assert.Equal("/api/v1.0/debit/notify", ShippedFunctions.PaymentNotificationDebit.Path);
        Assert.Equal(ShippedFunctions.PaymentNotificationDebit.Path, declared);
        var settings = (await DeploymentSnapshot.WithTwoPartnersAsync()).AppSettings();
        Assert.Equal(ShippedFunctions.PaymentNotificationDebit.Path, Assert.Single(settings, s => s.Name == "Snap__NotifyPaths__0").Value);
    }

    [Fact]
    public async Task Public_paths_are_the_package_route_prefix_and_routes()
    {
        var package = await DeploymentPackage.BuildAsync();

        var prefix = package.ReadJson("host.json")["extensions"]!["http"]!["routePrefix"]!.GetValue<string>();
        var routes = package.ReadJson("functions.metadata").AsArray()
            .ToDictionary(
                f => f!["name"]!.GetValue<string>(),
                f => f!["bindings"]!.AsArray().SingleOrDefault(b => b!["type"]?.GetValue<string>() == "httpTrigger")?["route"]?.GetValue<string>(),
                StringComparer.Ordinal);
        foreach (var function in ShippedFunctions.Http)
        {
            Assert.Equal(function.Path, $"/{prefix}/{routes[function.Name]}");
        }
    }

    [Fact]
    public async Task Application_insights_accepts_only_entra_authenticated_telemetry()
    {
        var template = await ArmTemplate.MainAsync();
        var insights = template.Single("Microsoft.Insights/components");

        // Why the connection string in the app settings is not a secret.
        Assert.True(insights.Boolean("DisableLocalAuth"));
        Assert.NotNull(insights.String("WorkspaceResourceId"));
        Assert.Single(template.OfType("Microsoft.OperationalInsights/workspaces"));
    }

    [Fact]
    public async Task Outputs_include_the_two_urls_to_give_qoinhub()
    {
        var template = await ArmTemplate.MainAsync();
        var outputs = template.Root["outputs"]!.AsObject();

        var accessToken = outputs["QOINHUB_ACCESS_TOKEN_URL"]?["value"]?.GetValue<string>() ?? "";
        var notify = outputs["QOINHUB_NOTIFY_URL"]?["value"]?.GetValue<string>() ?? "";
        Assert.StartsWith($"[format('https://{{0}}{ShippedFunctions.AccessTokenB2B.Path}'", accessToken, StringComparison.Ordinal);
        Assert.StartsWith($"[format('https://{{0}}{ShippedFunctions.PaymentNotificationDebit.Path}'", notify, StringComparison.Ordinal);
    }

    /// <summary>The last name segment, from "app/ftp" or "[format('{0}/{1}', parameters('appName'), 'ftp')]".</summary>
    private static string ChildName(string name) => name.TrimEnd(']', ')', '\'').Split('\'', '/')[^1];

    private static IEnumerable<KeyValuePair<string, JsonNode?>> Descendants(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var property in obj)
                {
                    yield return property;
                    foreach (var inner in Descendants(property.Value))
                    {
                        yield return inner;
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array.SelectMany(Descendants))
                {
                    yield return item;
                }

                break;
        }
    }

    [GeneratedRegex(@"^\[parameters\('(?<list>queueConsumers|operatorReaders|operatorRepublishers)'\)\[copyIndex\(\)\]\.principalId\]$")]
    private static partial Regex ListedPrincipal();
}
