namespace QoinHub.Merchant.Partners;

/// <summary>One <c>Partners:n</c> entry as configured (values trimmed, not yet imported).</summary>
/// <param name="SettingPath">Where the entry came from (<c>Partners:0</c>), so that errors name the setting.</param>
/// <param name="PublicKeys">PEM text or file paths, each with its own setting path.</param>
/// <param name="ClientSecrets">The client secrets; never part of any message.</param>
public sealed record PartnerOptions(
    string SettingPath,
    string ClientId,
    IReadOnlyList<ConfiguredValue> PublicKeys,
    IReadOnlyList<string> ClientSecrets);

/// <summary>A configured value and the setting it came from (<c>Partners:0:PublicKeys:1</c>).</summary>
public sealed record ConfiguredValue(string SettingPath, string Value);
