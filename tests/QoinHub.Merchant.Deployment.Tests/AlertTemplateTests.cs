using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using QoinHub.Merchant.Testing;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>
/// The alerts of infra/modules/alerts.bicep as they would be deployed (<see cref="DeploymentSnapshot"/>):
/// one action group e-mailing <c>alertEmail</c>, five log search rules over the app's metrics and
/// requests in the Log Analytics workspace, one metric rule on dead-lettered Service Bus messages.
/// </summary>
public sealed partial class AlertTemplateTests
{
    private const string LogSearchRule = "Microsoft.Insights/scheduledQueryRules";
    private const string MetricRule = "Microsoft.Insights/metricAlerts";

    /// <summary>The instruments the app exports (OpenTelemetry, Azure Monitor exporter) and their tags: what the queries may name.</summary>
    private static readonly Dictionary<string, string[]> AppMetrics = new(StringComparer.Ordinal)
    {
        ["qoinhub.snap.calls"] = ["snap.service_code", "snap.response_code"],
        ["qoinhub.snap.refusals"] = ["snap.service_code", "refusal.reason"],
        ["qoinhub.publish.duration"] = ["messaging.system", "outcome"],
        ["qoinhub.publish.failures"] = ["messaging.system"],
        ["qoinhub.ledger.outcomes"] = ["ledger.outcome"],
        ["qoinhub.outbox.pending"] = [],
        ["qoinhub.outbox.oldest_pending_age"] = [],
        ["qoinhub.outbox.tampered"] = ["outbox.claimant"],
        ["qoinhub.tokens.issued"] = [],
    };

    [Fact]
    public async Task Action_group_e_mails_the_alertEmail_parameter()
    {
        var compiled = (await ArmTemplate.MainAsync()).Single("Microsoft.Insights/actionGroups");
        var receiver = Assert.Single(compiled.Find("emailReceivers")!.AsArray())!;
        Assert.Equal("[parameters('alertEmail')]", receiver["emailAddress"]!.GetValue<string>());
        Assert.Equal("alerts", compiled.Module);

        var deployed = (await DeploymentSnapshot.WithTwoPartnersAsync()).Single("Microsoft.Insights/actionGroups");
        var properties = deployed["properties"]!;
        Assert.True(properties["enabled"]!.GetValue<bool>());
        Assert.InRange(properties["groupShortName"]!.GetValue<string>().Length, 1, 12);
        var email = Assert.Single(properties["emailReceivers"]!.AsArray())!;
        Assert.Equal(DeploymentSnapshot.AlertEmail, email["emailAddress"]!.GetValue<string>());
        Assert.True(email["useCommonAlertSchema"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Every_alert_rule_notifies_the_action_group_resolves_itself_and_points_at_the_runbook()
    {
        var snapshot = await DeploymentSnapshot.WithTwoPartnersAsync();
        var actionGroup = snapshot.Single("Microsoft.Insights/actionGroups")["id"]!.GetValue<string>();

        var alertsSection = OperationsAlertsSection();
        var rules = snapshot.OfType(LogSearchRule).Concat(snapshot.OfType(MetricRule)).ToList();
        Assert.Equal(6, rules.Count);
        foreach (var rule in rules)
        {
            var name = rule["name"]!.GetValue<string>();
            var properties = rule["properties"]!;
            Assert.True(properties["enabled"]!.GetValue<bool>(), name);
            Assert.True(properties["autoMitigate"]!.GetValue<bool>(), name);
            Assert.InRange(properties["severity"]!.GetValue<int>(), 1, 2);
            Assert.Equal("PT5M", properties["windowSize"]!.GetValue<string>());
            var description = properties["description"]!.GetValue<string>();
            var runbook = RunbookReference().Match(description);
            Assert.True(runbook.Success, $"{name}: the description does not name its section of docs/operations.md.");
            Assert.Contains($"\n### {runbook.Groups["section"].Value}\n", alertsSection, StringComparison.Ordinal);
            var groups = rule["type"]!.GetValue<string>() == LogSearchRule
                ? properties["actions"]!["actionGroups"]!.AsArray().Select(g => g!.GetValue<string>())
                : properties["actions"]!.AsArray().Select(a => a!["actionGroupId"]!.GetValue<string>());
            Assert.Equal([actionGroup], groups);
        }
    }

    [Fact]
    public async Task Log_search_rules_query_the_workspace_for_the_metrics_and_requests_they_watch()
    {
        var snapshot = await DeploymentSnapshot.WithTwoPartnersAsync();
        var workspace = snapshot.Single("Microsoft.OperationalInsights/workspaces")["id"]!.GetValue<string>();
        var rules = snapshot.OfType(LogSearchRule).ToDictionary(r => RuleName(r), r => r, StringComparer.Ordinal);

        Assert.Equal(["forged-signatures", "publish-failures", "relay-backlog", "server-errors", "tampered-outbox"], rules.Keys.Order(StringComparer.Ordinal));
        foreach (var rule in rules.Values)
        {
            Assert.Equal("LogAlert", rule["kind"]!.GetValue<string>());
            Assert.Equal([workspace], rule["properties"]!["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
            var criterion = Criterion(rule);
            Assert.Equal("GreaterThan", criterion["operator"]!.GetValue<string>());
            var measure = criterion["metricMeasureColumn"]!.GetValue<string>();
            Assert.Matches($@"\b{measure}\b", criterion["query"]!.GetValue<string>());
            AssertNamesOnlyExportedMetricsAndTags(criterion["query"]!.GetValue<string>());
        }

        AssertRule(rules["publish-failures"], "AppMetrics", "qoinhub.publish.failures", "Total", 0);
        AssertRule(rules["relay-backlog"], "AppMetrics", "qoinhub.outbox.oldest_pending_age", "Maximum", 300);

        // Any record that failed its MAC check: one is already a table writer without the key.
        AssertRule(rules["tampered-outbox"], "AppMetrics", "qoinhub.outbox.tampered", "Total", 0);
        Assert.Equal(1, rules["tampered-outbox"]["properties"]!["severity"]!.GetValue<int>());
        AssertRule(rules["forged-signatures"], "AppMetrics", "qoinhub.snap.refusals", "Total", 20);
        Assert.Contains("""tostring(Properties["refusal.reason"]) == "signature" """.TrimEnd(), Query(rules["forged-signatures"]), StringComparison.Ordinal);

        // On the app's own count of SNAP answers: the health function is not a SNAP call, and which
        // host runs the worker (and how it reports requests) does not change what it counts.
        AssertRule(rules["server-errors"], "AppMetrics", "qoinhub.snap.calls", "Maximum", 5);
        var serverErrors = Query(rules["server-errors"]);
        Assert.Contains("""ResponseCode = tostring(Properties["snap.response_code"])""", serverErrors, StringComparison.Ordinal);
        Assert.Contains("ResponseCode startswith \"5\"", serverErrors, StringComparison.Ordinal);
        Assert.Contains("where Total >= 10", serverErrors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dead_lettered_messages_on_the_notifications_queue_fire_a_metric_alert()
    {
        var snapshot = await DeploymentSnapshot.WithTwoPartnersAsync();
        var rule = snapshot.Single(MetricRule);
        var queue = snapshot.Single("Microsoft.ServiceBus/namespaces/queues");
        var namespaceId = snapshot.Single("Microsoft.ServiceBus/namespaces")["id"]!.GetValue<string>();

        var properties = rule["properties"]!;
        Assert.Equal([namespaceId], properties["scopes"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria", properties["criteria"]!["odata.type"]!.GetValue<string>());
        var criterion = Assert.Single(properties["criteria"]!["allOf"]!.AsArray())!;
        Assert.Equal("DeadletteredMessages", criterion["metricName"]!.GetValue<string>());
        Assert.Equal("Microsoft.ServiceBus/namespaces", criterion["metricNamespace"]!.GetValue<string>());
        Assert.Equal(("GreaterThan", 0), (criterion["operator"]!.GetValue<string>(), criterion["threshold"]!.GetValue<int>()));
        var dimension = Assert.Single(criterion["dimensions"]!.AsArray())!;
        Assert.Equal(("EntityName", "Include"), (dimension["name"]!.GetValue<string>(), dimension["operator"]!.GetValue<string>()));
        var queueName = queue["name"]!.GetValue<string>().Split('/')[^1];
        Assert.Equal([queueName], dimension["values"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    private static void AssertRule(JsonObject rule, string table, string metric, string aggregation, int threshold)
    {
        var query = Query(rule);
        Assert.StartsWith(table, query.TrimStart(), StringComparison.Ordinal);
        Assert.Contains($"where Name == \"{metric}\"", query, StringComparison.Ordinal);
        var criterion = Criterion(rule);
        Assert.Equal(aggregation, criterion["timeAggregation"]!.GetValue<string>());
        Assert.Equal(threshold, criterion["threshold"]!.GetValue<int>());
    }

    /// <summary>A query naming a metric or tag the app does not export would never fire.</summary>
    private static void AssertNamesOnlyExportedMetricsAndTags(string query)
    {
        foreach (Match metric in MetricName().Matches(query))
        {
            var name = metric.Groups["name"].Value;
            Assert.True(AppMetrics.ContainsKey(name), $"The query names {name}, which the app does not export.");
            foreach (Match tag in TagName().Matches(query))
            {
                Assert.Contains(tag.Groups["tag"].Value, AppMetrics[name]);
            }
        }
    }

    /// <summary>The "## Alerts" section of docs/operations.md, up to the next section.</summary>
    private static string OperationsAlertsSection()
    {
        var operations = File.ReadAllText(Path.Combine(AzuriteServer.RepositoryRoot, "docs", "operations.md")).ReplaceLineEndings("\n");
        var start = operations.IndexOf("\n## Alerts\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/operations.md has no Alerts section.");
        var end = operations.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? operations[start..] : operations[start..end];
    }

    private static string RuleName(JsonObject rule) => rule["name"]!.GetValue<string>().Split('-', 3)[^1];

    private static JsonNode Criterion(JsonObject rule) => Assert.Single(rule["properties"]!["criteria"]!["allOf"]!.AsArray())!;

    private static string Query(JsonObject rule) => Criterion(rule)["query"]!.GetValue<string>();

    [GeneratedRegex(@"docs/operations\.md, section Alerts: (?<section>[^.]+)\.$")]
    private static partial Regex RunbookReference();

    [GeneratedRegex("Name == \"(?<name>[^\"]+)\"")]
    private static partial Regex MetricName();

    [GeneratedRegex("Properties\\[\"(?<tag>[^\"]+)\"\\]")]
    private static partial Regex TagName();
}
