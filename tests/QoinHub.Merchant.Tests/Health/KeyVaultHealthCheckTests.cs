using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Health;
using QoinHub.Merchant.Tests.Partners;

namespace QoinHub.Merchant.Tests.Health;

/// <summary>The Key Vault check, registered only with <c>KeyVault:Uri</c>, reading a secret the app reads anyway.</summary>
public sealed class KeyVaultHealthCheckTests : IDisposable
{
    private readonly FakeKeyVault _vault = new();

    public void Dispose() => _vault.Dispose();

    [Fact]
    public async Task With_a_vault_its_check_reads_the_first_partners_public_keys_and_is_up()
    {
        _vault.SetSecret("qoinhub-Qoin-Snap-public-keys", PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First));
        await using var provider = Provider(vault: true);

        var result = await KeyVaultCheck(provider).CheckAsync(CancellationToken.None);

        Assert.Equal(DependencyCheckResult.Up(), result);
        Assert.Equal(["qoinhub-Qoin-Snap-public-keys"], _vault.RequestedNames);
    }

    [Fact]
    public async Task Unreachable_refusing_or_missing_secret_is_down_with_a_reason_that_quotes_nothing_from_the_vault()
    {
        _vault.SetSecret("qoinhub-Qoin-Snap-public-keys", PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First));
        await using var provider = Provider(vault: true);
        var check = KeyVaultCheck(provider);

        _vault.Unreachable = true;
        Assert.Equal(DependencyCheckResult.Down("no response (HttpRequestException)"), await check.CheckAsync(CancellationToken.None));

        _vault.Unreachable = false;
        _vault.FailWith = HttpStatusCode.Forbidden;
        Assert.Equal(DependencyCheckResult.Down("HTTP 403 Forbidden"), await check.CheckAsync(CancellationToken.None));

        _vault.FailWith = null;
        _vault.DeleteSecret("qoinhub-Qoin-Snap-public-keys");
        Assert.Equal(DependencyCheckResult.Down("HTTP 404 SecretNotFound"), await check.CheckAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Without_a_vault_there_is_no_Key_Vault_check()
    {
        await using var provider = Provider(vault: false);

        Assert.DoesNotContain(provider.GetServices<IDependencyCheck>(), check => check.Name == "keyVault");
    }

    private static IDependencyCheck KeyVaultCheck(IServiceProvider provider) =>
        Assert.Single(provider.GetServices<IDependencyCheck>(), check => check.Name == "keyVault");

    private ServiceProvider Provider(bool vault)
    {
        var settings = new Dictionary<string, string?> { ["Partners:0:ClientId"] = "Qoin_Snap", ["Partners:1:ClientId"] = "Other" };
        if (vault)
        {
            settings["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString();
        }
        else
        {
            settings["Partners:0:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First);
            settings["Partners:0:ClientSecrets:0"] = "secret-one";
            settings["Partners:1:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First);
            settings["Partners:1:ClientSecrets:0"] = "secret-two";
        }

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(_vault.CreateClient());
        services.AddPartnerDirectory(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
