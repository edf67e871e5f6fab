using System.Text.Json;

namespace QoinHub.FunctionsHost;

/// <summary>
/// A function the worker reported and loaded, as the host uses it: its trigger, and for an HTTP
/// trigger its route, methods and auth level, for a timer its schedule (as written, before
/// <c>%setting%</c> is resolved).
/// </summary>
public sealed record LoadedFunction(string Name, string FunctionId, string TriggerType, string TriggerParameter)
{
    public const string HttpTrigger = "httpTrigger";
    public const string TimerTrigger = "timerTrigger";

    /// <summary>The route after the prefix (defaults to the function's name), for HTTP triggers.</summary>
    public string? Route { get; init; }

    /// <summary>The methods the function accepts, lower case; empty means any.</summary>
    public IReadOnlyList<string> Methods { get; init; } = [];

    /// <summary><c>anonymous</c>, <c>function</c> or <c>admin</c>, lower case, for HTTP triggers.</summary>
    public string? AuthLevel { get; init; }

    /// <summary>The NCRONTAB schedule as the binding states it (it may be <c>%setting%</c>), for timer triggers.</summary>
    public string? Schedule { get; init; }

    /// <summary>Whether a timer function also runs when the host starts.</summary>
    public bool RunOnStartup { get; init; }

    /// <summary>The function from the worker's metadata: the first trigger binding decides.</summary>
    /// <exception cref="InvalidOperationException">The function has no trigger binding.</exception>
    internal static LoadedFunction From(RpcFunctionMetadata metadata)
    {
        foreach (var raw in metadata.RawBindings)
        {
            using var document = JsonDocument.Parse(raw);
            var binding = document.RootElement;
            var type = Text(binding, "type");
            var direction = Text(binding, "direction");
            if (type is null || !type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase) || !string.Equals(direction, "in", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var function = new LoadedFunction(metadata.Name, metadata.FunctionId, type, Text(binding, "name") ?? string.Empty);
            if (type.Equals(HttpTrigger, StringComparison.OrdinalIgnoreCase))
            {
                var methods = binding.TryGetProperty("methods", out var list) && list.ValueKind == JsonValueKind.Array
                    ? list.EnumerateArray().Select(method => method.GetString()!.ToLowerInvariant()).ToList()
                    : [];
                return function with
                {
                    TriggerType = HttpTrigger,
                    Route = Text(binding, "route") ?? metadata.Name,
                    Methods = methods,
                    AuthLevel = (Text(binding, "authLevel") ?? "function").ToLowerInvariant(),
                };
            }

            if (type.Equals(TimerTrigger, StringComparison.OrdinalIgnoreCase))
            {
                return function with
                {
                    TriggerType = TimerTrigger,
                    Schedule = Text(binding, "schedule"),
                    RunOnStartup = binding.TryGetProperty("runOnStartup", out var startup) && startup.ValueKind == JsonValueKind.True,
                };
            }

            return function;
        }

        throw new InvalidOperationException($"Function '{metadata.Name}' has no trigger binding.");
    }

    private static string? Text(JsonElement element, string name)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (property.NameEquals(name) || string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
            }
        }

        return null;
    }
}
