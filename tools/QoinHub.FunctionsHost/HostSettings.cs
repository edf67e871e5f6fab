using System.Collections;
using System.Text.Json;

namespace QoinHub.FunctionsHost;

/// <summary>
/// The app settings the host runs with: as <c>func start</c> does, the process's environment
/// variables, plus the <c>Values</c> of local.settings.json (in the app directory) for settings
/// the environment does not already set.
/// </summary>
public static class HostSettings
{
    public const string LocalSettingsFile = "local.settings.json";

    /// <exception cref="InvalidOperationException">local.settings.json is not valid, or encrypted.</exception>
    public static Dictionary<string, string> Read(string applicationDirectory)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            settings[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        var path = Path.Combine(applicationDirectory, LocalSettingsFile);
        if (!File.Exists(path))
        {
            return settings;
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            if (document.RootElement.TryGetProperty("IsEncrypted", out var encrypted) && encrypted.ValueKind == JsonValueKind.True)
            {
                throw new InvalidOperationException($"{path} is encrypted; this host reads only plain local settings (func settings decrypt).");
            }

            if (document.RootElement.TryGetProperty("Values", out var values) && values.ValueKind == JsonValueKind.Object)
            {
                foreach (var value in values.EnumerateObject())
                {
                    settings.TryAdd(value.Name, value.Value.ValueKind == JsonValueKind.String ? value.Value.GetString()! : value.Value.GetRawText());
                }
            }
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{path} is not valid JSON: {exception.Message}", exception);
        }

        return settings;
    }

    /// <summary>
    /// <paramref name="expression"/> with each <c>%name%</c> replaced by its setting, as the host
    /// resolves binding expressions; null with the name that does not resolve.
    /// </summary>
    public static string? Resolve(string expression, IReadOnlyDictionary<string, string> settings, out string? unresolved)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(settings);
        unresolved = null;
        var result = new System.Text.StringBuilder(expression.Length);
        var index = 0;
        while (index < expression.Length)
        {
            var start = expression.IndexOf('%', index);
            var end = start < 0 ? -1 : expression.IndexOf('%', start + 1);
            if (end < 0)
            {
                result.Append(expression, index, expression.Length - index);
                break;
            }

            result.Append(expression, index, start - index);
            var name = expression[(start + 1)..end];

            // As configuration reads them: A__B and A:B name the same setting.
            if (!settings.TryGetValue(name, out var value) && !settings.TryGetValue(name.Replace(":", "__", StringComparison.Ordinal), out value))
            {
                unresolved = name;
                return null;
            }

            result.Append(value);
            index = end + 1;
        }

        return result.ToString();
    }
}
