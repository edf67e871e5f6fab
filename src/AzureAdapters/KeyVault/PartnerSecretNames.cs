namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>
/// The names of the two Key Vault secrets that hold a partner's credentials:
/// <c>qoinhub-{clientId}-public-keys</c> and <c>qoinhub-{clientId}-client-secrets</c>, where every
/// character of the client id outside <c>[0-9A-Za-z-]</c> becomes <c>-</c> (Key Vault allows no other).
/// </summary>
public sealed record PartnerSecretNames(string PublicKeys, string ClientSecrets)
{
    /// <summary>Key Vault's limit on the length of a secret name.</summary>
    public const int MaximumLength = 127;

    public static PartnerSecretNames For(string clientId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        var safeId = string.Create(clientId.Length, clientId, static (span, id) =>
        {
            for (var i = 0; i < id.Length; i++)
            {
                span[i] = char.IsAsciiLetterOrDigit(id[i]) || id[i] == '-' ? id[i] : '-';
            }
        });
        return new PartnerSecretNames($"qoinhub-{safeId}-public-keys", $"qoinhub-{safeId}-client-secrets");
    }
}
