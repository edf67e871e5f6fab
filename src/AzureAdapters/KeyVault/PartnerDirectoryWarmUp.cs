using Microsoft.Extensions.Hosting;

namespace QoinHub.Merchant.AzureAdapters.KeyVault;

/// <summary>
/// Reads every listed partner from Key Vault once the app has started, so that the first request of
/// each partner finds its credentials cached. Start-up neither waits for it nor fails because of it.
/// </summary>
internal sealed class PartnerDirectoryWarmUp(KeyVaultPartnerDirectory directory) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => directory.WarmUpAsync(stoppingToken);
}
