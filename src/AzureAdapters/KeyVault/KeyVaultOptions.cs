namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>The <c>KeyVault</c> section: where partner keys and secrets live and how long a fetched value is trusted.</summary>
internal sealed record KeyVaultOptions(Uri VaultUri, TimeSpan RefreshInterval)
{
    public static readonly TimeSpan DefaultRefreshInterval = TimeSpan.FromMinutes(5);
}
