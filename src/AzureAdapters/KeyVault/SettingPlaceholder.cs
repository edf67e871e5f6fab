namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>
/// Text a sample settings file puts where a real value belongs (<c>paste the content of …</c>,
/// <c>&lt;your secret&gt;</c>, <c>REPLACE_ME</c>): never a key or a secret, and never to be taken for
/// one. Only whole-value forms count, so a real secret that happens to contain such a word is not refused.
/// </summary>
internal static class SettingPlaceholder
{
    private static readonly string[] Markers = ["REPLACE_ME", "REPLACE-ME", "CHANGE_ME", "CHANGEME", "TODO"];

    public static bool Looks(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        return text.StartsWith("paste ", StringComparison.OrdinalIgnoreCase)
            || (text.StartsWith('<') && text.EndsWith('>') && !text.Contains('\n', StringComparison.Ordinal))
            || Markers.Any(marker => text.Equals(marker, StringComparison.OrdinalIgnoreCase));
    }
}
