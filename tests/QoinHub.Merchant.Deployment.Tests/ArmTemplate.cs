using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace QoinHub.Merchant.Deployment.Tests;

/// <summary>A resource of the compiled template, with the (nested) template that declares it.</summary>
internal sealed record ArmResource(string Module, JsonObject Node, JsonObject Template)
{
    public string Type => Node["type"]!.GetValue<string>();

    public JsonObject Properties => Node["properties"] as JsonObject ?? [];

    public bool IsConditional => Node["condition"] is not null;

    public string? String(string propertyPath) => Find(propertyPath) is JsonValue value && value.TryGetValue(out string? text) ? text : null;

    public bool? Boolean(string propertyPath) => Find(propertyPath) is JsonValue value && value.TryGetValue(out bool flag) ? flag : null;

    /// <summary>A value under <c>properties</c> by dotted path, e.g. <c>siteConfig.ftpsState</c>.</summary>
    public JsonNode? Find(string propertyPath)
    {
        JsonNode? node = Properties;
        foreach (var segment in propertyPath.Split('.'))
        {
            node = node is JsonObject obj ? obj[segment] : null;
        }

        return node;
    }

    /// <summary>The value of <c>variables('name')</c> or <c>variables('name').member</c> in this resource's template.</summary>
    public string? Variable(string name, string? member)
    {
        var variable = Template["variables"]?[name];
        var value = member is null ? variable : variable?[member];
        return value is JsonValue v && v.TryGetValue(out string? text) ? text : null;
    }
}

/// <summary>
/// The ARM JSON that <c>bicep build</c> emits for infra/main.bicep, with the resources of every module
/// (nested deployment) flattened into one list. Resources marked <c>existing</c> are left out: they
/// only reference what another module creates.
/// </summary>
internal sealed partial class ArmTemplate
{
    private static readonly Lazy<Task<ArmTemplate>> CompiledMain = new(CompileMainAsync);

    private ArmTemplate(JsonObject root)
    {
        Root = root;
        Resources = [.. Flatten(root, "main")];
    }

    public JsonObject Root { get; }

    public IReadOnlyList<ArmResource> Resources { get; }

    public static Task<ArmTemplate> MainAsync() => CompiledMain.Value;

    public IEnumerable<ArmResource> OfType(string type) =>
        Resources.Where(r => string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase));

    public ArmResource Single(string type)
    {
        var matches = OfType(type).ToList();
        Assert.True(matches.Count == 1, $"Expected exactly one {type}, found {matches.Count}.");
        return matches[0];
    }

    /// <summary>The built-in role definition GUID an assignment grants (literal or via a template variable).</summary>
    public static string RoleDefinitionGuid(ArmResource assignment)
    {
        var expression = assignment.String("roleDefinitionId")
            ?? throw new InvalidOperationException("Role assignment without roleDefinitionId.");
        var literal = GuidLiteral().Match(expression);
        if (literal.Success)
        {
            return literal.Value.ToLowerInvariant();
        }

        var variable = VariableReference().Match(expression);
        if (variable.Success)
        {
            var value = assignment.Variable(
                variable.Groups["name"].Value, variable.Groups["member"].Success ? variable.Groups["member"].Value : null);
            if (value is not null && GuidLiteral().Match(value) is { Success: true } resolved)
            {
                return resolved.Value.ToLowerInvariant();
            }
        }

        throw new InvalidOperationException($"Cannot tell which role {expression} grants.");
    }

    private static async Task<ArmTemplate> CompileMainAsync()
    {
        var build = await BicepCli.BuildMainAsync();
        Assert.True(build.ExitCode == 0, build.ToString());
        return new ArmTemplate(JsonNode.Parse(build.StandardOutput)!.AsObject());
    }

    private static IEnumerable<ArmResource> Flatten(JsonObject template, string module)
    {
        // Templates using symbolic names (languageVersion 2.0) keep resources in an object.
        IEnumerable<JsonNode?> resources = template["resources"] switch
        {
            JsonArray array => array,
            JsonObject byName => byName.Select(p => p.Value),
            _ => [],
        };
        foreach (var resource in resources.OfType<JsonObject>())
        {
            if (resource["existing"] is JsonValue existing && existing.TryGetValue(out bool isExisting) && isExisting)
            {
                continue;
            }

            yield return new ArmResource(module, resource, template);
            if (resource["type"]?.GetValue<string>() == "Microsoft.Resources/deployments"
                && resource["properties"]?["template"] is JsonObject nested)
            {
                foreach (var inner in Flatten(nested, resource["name"]!.GetValue<string>()))
                {
                    yield return inner;
                }
            }
        }
    }

    [GeneratedRegex("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex GuidLiteral();

    [GeneratedRegex(@"variables\('(?<name>[A-Za-z0-9_]+)'\)(\.(?<member>[A-Za-z0-9_]+))?")]
    private static partial Regex VariableReference();
}
