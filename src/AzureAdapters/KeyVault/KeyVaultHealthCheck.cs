using Azure.Security.KeyVault.Secrets;
using QoinHub.Merchant.Health;

namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>
/// Key Vault, when partner credentials come from it: one read of a secret the app reads anyway (the
/// first listed partner's public keys), with the app's client and identity. Only whether the read
/// succeeded is kept; the value is dropped unread. A missing or disabled secret, or a refused read,
/// is down with its status and error code: the app could not serve that partner after a restart.
/// </summary>
/// <remarks>
/// Key Vault's API has no read of a secret's attributes without its value; reading the value is the
/// permission the app already holds (<em>Key Vault Secrets User</em>), so the check needs no other.
/// </remarks>
internal sealed class KeyVaultHealthCheck(SecretClient client, string secretName) : IDependencyCheck
{
    public string Name => "keyVault";

    public async Task<DependencyCheckResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await client.GetSecretAsync(secretName, version: null, cancellationToken).ConfigureAwait(false);
            return response.Value.Properties.Enabled == false
                ? DependencyCheckResult.Down($"secret {secretName} is disabled")
                : DependencyCheckResult.Up();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return DependencyCheckResult.Down(DependencyFailure.Describe(e));
        }
    }
}
