using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace QoinHub.Merchant.Notifications;

/// <summary>
/// The outbox MAC settings: <c>Outbox:MacKeyId</c> (the key new records are signed with),
/// <c>Outbox:MacKeys:{keyId}</c> (a key, Base64, at least 32 bytes; each listed key verifies, when
/// the keys come from configuration) and <c>Outbox:MacVerifyKeyIds</c> (comma-separated ids of older
/// keys still accepted, when the keys come from Key Vault). Read once at start-up; a missing, malformed
/// or short key stops the app with a message naming the setting, never its value.
/// </summary>
public sealed partial record OutboxMacSettings(string CurrentKeyId, IReadOnlyList<string> VerifyKeyIds, IReadOnlyDictionary<string, byte[]> InlineKeys)
{
    public const int MinimumKeyBytes = 32;

    public const string KeyIdSetting = "Outbox:MacKeyId";
    public const string KeysSection = "Outbox:MacKeys";
    public const string VerifyKeyIdsSetting = "Outbox:MacVerifyKeyIds";

    /// <summary>Reads the settings; with <paramref name="keysInConfiguration"/> the signing key must be among <c>Outbox:MacKeys</c>.</summary>
    /// <exception cref="OptionsValidationException">A setting is missing or malformed; the message names each one.</exception>
    public static OutboxMacSettings Read(IConfiguration configuration, bool keysInConfiguration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var failures = new List<string>();
        var current = configuration[KeyIdSetting]?.Trim() ?? string.Empty;
        if (current.Length == 0)
        {
            failures.Add($"{KeyIdSetting} is not set: name the outbox MAC key new records are signed with (docs/operations.md, Outbox MAC keys)");
        }
        else if (!IsKeyId(current))
        {
            failures.Add($"{KeyIdSetting} must be 1 to 32 letters, digits or '-'");
        }

        var verify = (configuration[VerifyKeyIdsSetting] ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        failures.AddRange(verify.Where(id => !IsKeyId(id)).Select(_ => $"{VerifyKeyIdsSetting} must list key ids of 1 to 32 letters, digits or '-', separated by commas"));

        var inline = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in configuration.GetSection(KeysSection).GetChildren())
        {
            if (Decode(entry.Key, entry.Value, failures) is { } key)
            {
                inline[entry.Key] = key;
            }
        }

        if (keysInConfiguration && IsKeyId(current) && !inline.ContainsKey(current) && !failures.Any(f => f.StartsWith($"{KeysSection}:{current} ", StringComparison.Ordinal)))
        {
            failures.Add($"{KeysSection}:{current} is not set: the key named by {KeyIdSetting} (Base64, at least {MinimumKeyBytes} bytes)");
        }

        if (failures.Count > 0)
        {
            throw new OptionsValidationException(KeysSection, typeof(OutboxMacSettings), failures.Distinct(StringComparer.Ordinal));
        }

        return new OutboxMacSettings(current, verify, inline);
    }

    /// <summary>A key id: what a Key Vault secret name may hold, short.</summary>
    public static bool IsKeyId(string value) => KeyIdFormat().IsMatch(value);

    /// <summary>A Base64 key of at least <see cref="MinimumKeyBytes"/> bytes, or null with the failure added (naming <paramref name="source"/>).</summary>
    public static byte[]? DecodeKey(string source, string? value, List<string> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(value?.Trim() ?? string.Empty);
        }
        catch (FormatException)
        {
            failures.Add($"{source} is not Base64: set a random key of at least {MinimumKeyBytes} bytes, Base64-encoded (openssl rand -base64 32)");
            return null;
        }

        if (key.Length < MinimumKeyBytes)
        {
            failures.Add($"{source} is too short: an outbox MAC key must be at least {MinimumKeyBytes} bytes (openssl rand -base64 32)");
            return null;
        }

        return key;
    }

    private static byte[]? Decode(string keyId, string? value, List<string> failures)
    {
        var setting = $"{KeysSection}:{keyId}";
        if (!IsKeyId(keyId))
        {
            failures.Add($"{setting} is not a key id: 1 to 32 letters, digits or '-'");
            return null;
        }

        return DecodeKey(setting, value, failures);
    }

    [GeneratedRegex(@"\A[A-Za-z0-9-]{1,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyIdFormat();
}

/// <summary>The outbox MAC keys from configuration (<c>Outbox:MacKeys</c>): local runs and tests.</summary>
public sealed class ConfigurationOutboxMacKeys : IOutboxMacKeys
{
    private readonly OutboxMacKeyRing _ring;

    public ConfigurationOutboxMacKeys(OutboxMacSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _ring = new OutboxMacKeyRing(settings.CurrentKeyId, settings.InlineKeys);
    }

    public ValueTask<OutboxMacKeyRing> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(_ring);
}
