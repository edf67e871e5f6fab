using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>
/// The <c>Partners</c> and <c>KeyVault</c> sections, read and checked so that every bad setting is
/// reported at start-up, each by its path, and no value of a secret is ever quoted.
/// </summary>
/// <remarks>
/// Read by hand rather than with the reflection-based binder: Core is trim/AOT-compatible, and the
/// error messages need each value's exact setting path.
/// </remarks>
internal sealed record PartnerDirectoryOptions(IReadOnlyList<PartnerOptions> Partners, KeyVaultOptions? KeyVault)
{
    public const string PartnersSection = "Partners";
    public const string KeyVaultSection = "KeyVault";

    /// <summary>Reads both sections, adding every problem found to <paramref name="failures"/>.</summary>
    public static PartnerDirectoryOptions Read(IConfiguration configuration, List<string> failures)
    {
        var keyVault = ReadKeyVault(configuration.GetSection(KeyVaultSection), failures);
        var keyVaultConfigured = configuration[$"{KeyVaultSection}:Uri"] is { Length: > 0 };

        var partners = new List<PartnerOptions>();
        var pathByClientId = new Dictionary<string, string>(StringComparer.Ordinal);
        var pathBySecretName = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var section in configuration.GetSection(PartnersSection).GetChildren())
        {
            var clientId = section["ClientId"];
            if (string.IsNullOrWhiteSpace(clientId))
            {
                failures.Add($"{section.Path}:ClientId is missing; every partner entry needs the client id QoinHub sends as X-CLIENT-KEY");
                continue;
            }

            if (clientId.Trim().Length != clientId.Length)
            {
                failures.Add($"{section.Path}:ClientId has leading or trailing whitespace; client ids are matched exactly");
                continue;
            }

            if (!HeaderRule.ClientKey.Accepts(clientId))
            {
                failures.Add($"{section.Path}:ClientId cannot arrive as X-CLIENT-KEY / X-PARTNER-ID, which accept {HeaderRule.ClientKey.Description}");
                continue;
            }

            if (!pathByClientId.TryAdd(clientId, section.Path))
            {
                failures.Add($"{section.Path}:ClientId repeats the client id of {pathByClientId[clientId]}");
                continue;
            }

            // With Key Vault the entry's own keys and secrets are ignored (Key Vault wins), so their
            // blanks are nobody's problem; they are still read to warn that they are ignored.
            var listFailures = keyVaultConfigured ? null : failures;
            var publicKeys = ReadList(section.GetSection("PublicKeys"), listFailures);
            var clientSecrets = ReadList(section.GetSection("ClientSecrets"), listFailures).Select(secret => secret.Value).ToArray();
            if (keyVaultConfigured)
            {
                // Key Vault secret names are case-insensitive and lose the characters they cannot hold,
                // so two client ids could share secrets without anyone noticing.
                var names = PartnerSecretNames.For(clientId);
                if (names.ClientSecrets.Length > PartnerSecretNames.MaximumLength)
                {
                    failures.Add($"{section.Path}:ClientId is too long for a Key Vault secret name ({PartnerSecretNames.MaximumLength} characters at most for '{names.ClientSecrets}')");
                }
                else if (!pathBySecretName.TryAdd(names.PublicKeys, section.Path))
                {
                    failures.Add($"{section.Path}:ClientId maps to the same Key Vault secret names as {pathBySecretName[names.PublicKeys]} ('{names.PublicKeys}')");
                }
            }
            else
            {
                if (publicKeys.Count == 0)
                {
                    failures.Add($"{section.Path}:PublicKeys is empty; add the partner's RSA public key as PEM text or a path to a PEM file (or set KeyVault:Uri)");
                }

                if (clientSecrets.Length == 0)
                {
                    failures.Add($"{section.Path}:ClientSecrets is empty; add the client secret QoinHub signs notifications with (or set KeyVault:Uri)");
                }
            }

            partners.Add(new PartnerOptions(section.Path, clientId, publicKeys, clientSecrets));
        }

        if (partners.Count == 0 && !configuration.GetSection(PartnersSection).GetChildren().Any())
        {
            failures.Add($"{PartnersSection}: no partner is configured, so every call would be refused; add {PartnersSection}:0:ClientId (and, without KeyVault:Uri, its PublicKeys and ClientSecrets)");
        }

        return new PartnerDirectoryOptions(partners, keyVault);
    }

    /// <summary>The start-up error for bad settings: one line per problem, each naming its setting.</summary>
    public static OptionsValidationException Invalid(IEnumerable<string> failures) =>
        new(PartnersSection, typeof(PartnerDirectoryOptions), failures);

    private static KeyVaultOptions? ReadKeyVault(IConfigurationSection section, List<string> failures)
    {
        var uriText = section["Uri"];
        if (string.IsNullOrEmpty(uriText))
        {
            return null;
        }

        if (!Uri.TryCreate(uriText.Trim(), UriKind.Absolute, out var vaultUri) || vaultUri.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{section.Path}:Uri must be an absolute https URI such as https://my-vault.vault.azure.net/");
        }

        var refreshInterval = KeyVaultOptions.DefaultRefreshInterval;
        if (section["RefreshInterval"] is { Length: > 0 } intervalText
            && (!TimeSpan.TryParse(intervalText, CultureInfo.InvariantCulture, out refreshInterval) || refreshInterval <= TimeSpan.Zero))
        {
            failures.Add($"{section.Path}:RefreshInterval must be a positive time span such as 00:05:00");
        }

        return vaultUri is null ? null : new KeyVaultOptions(vaultUri, refreshInterval);
    }

    /// <summary>
    /// The values of a list setting (<c>X:0</c>, <c>X:1</c>…), trimmed; a plain <c>X</c> value counts as a
    /// one-element list. Empty entries are reported by path only: the value may be a secret.
    /// </summary>
    private static List<ConfiguredValue> ReadList(IConfigurationSection section, List<string>? failures)
    {
        var children = section.GetChildren().ToList();
        IEnumerable<IConfigurationSection> entries = children.Count == 0 && section.Value is not null ? [section] : children;
        var values = new List<ConfiguredValue>();
        foreach (var entry in entries)
        {
            if (string.IsNullOrWhiteSpace(entry.Value))
            {
                failures?.Add($"{entry.Path} is empty");
                continue;
            }

            if (SettingPlaceholder.Looks(entry.Value))
            {
                // Taken as it is, the text of a sample would become a client secret anyone can read.
                failures?.Add($"{entry.Path} still holds a placeholder from a sample (such as \"paste the content of …\"); set the real value");
                continue;
            }

            values.Add(new ConfiguredValue(entry.Path, entry.Value.Trim()));
        }

        return values;
    }
}
