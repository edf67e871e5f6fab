using Azure.Security.KeyVault.Secrets;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Partners;

namespace QoinHub.Merchant.Tests.Partners;

public sealed class PartnerDirectoryRegistrationTests : IDisposable
{
    private const string ClientId = "QoinSnap";

    private readonly FakeKeyVault _vault = new();

    public void Dispose() => _vault.Dispose();

    [Fact]
    public async Task Without_a_vault_the_configured_partners_are_served()
    {
        await using var provider = BuildProvider(new()
        {
            ["Partners:0:ClientId"] = ClientId,
            ["Partners:0:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First),
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        });

        var directory = provider.GetRequiredService<IPartnerDirectory>();

        Assert.IsType<ConfigurationPartnerDirectory>(directory);
        Assert.Same(directory, provider.GetRequiredService<IPartnerDirectory>());
        Assert.Equal(["secret-one"], (await directory.FindAsync(ClientId, CancellationToken.None))!.ClientSecrets);
        Assert.Empty(provider.GetServices<IHostedService>());
    }

    [Fact]
    public async Task With_a_vault_the_registered_SecretClient_serves_the_listed_partners()
    {
        StoreSecrets();
        await using var provider = BuildProvider(VaultSettings(), services => services.AddSingleton(_vault.CreateClient()));

        var directory = provider.GetRequiredService<IPartnerDirectory>();
        var partner = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.IsType<KeyVaultPartnerDirectory>(directory);
        Assert.Equal(["secret-one"], partner!.ClientSecrets);
        Assert.Equal(2, _vault.RequestedNames.Count);
    }

    [Fact]
    public async Task Without_a_registered_SecretClient_one_is_made_for_the_configured_vault()
    {
        await using var provider = BuildProvider(VaultSettings());

        var client = provider.GetRequiredService<SecretClient>();

        Assert.Equal(FakeKeyVault.VaultUri, client.VaultUri);
        Assert.Same(client, provider.GetRequiredService<SecretClient>());
    }

    [Fact]
    public async Task Warm_up_fills_the_cache_in_the_background_without_holding_up_start_up()
    {
        StoreSecrets();
        _vault.Hold();
        await using var provider = BuildProvider(VaultSettings(), services => services.AddSingleton(_vault.CreateClient()));
        var warmUp = Assert.IsAssignableFrom<BackgroundService>(Assert.Single(provider.GetServices<IHostedService>()));

        await warmUp.StartAsync(CancellationToken.None);
        await _vault.WaitForHeldReadsAsync(2);
        Assert.False(warmUp.ExecuteTask!.IsCompleted);
        _vault.Release();
        await warmUp.ExecuteTask.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.NotNull(await provider.GetRequiredService<IPartnerDirectory>().FindAsync(ClientId, CancellationToken.None));
        Assert.Equal(2, _vault.RequestedNames.Count);
    }

    [Fact]
    public async Task Failed_warm_up_neither_fails_start_up_nor_stops_requests_from_trying_again()
    {
        StoreSecrets();
        _vault.Unreachable = true;
        await using var provider = BuildProvider(VaultSettings(), services => services.AddSingleton(_vault.CreateClient()));
        var warmUp = Assert.IsAssignableFrom<BackgroundService>(Assert.Single(provider.GetServices<IHostedService>()));

        await warmUp.StartAsync(CancellationToken.None);
        await warmUp.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(warmUp.ExecuteTask.IsCompletedSuccessfully);
        Assert.Equal(2, _vault.RequestedNames.Count);
        _vault.Unreachable = false;
        Assert.NotNull(await provider.GetRequiredService<IPartnerDirectory>().FindAsync(ClientId, CancellationToken.None));
    }

    [Fact]
    public async Task Relative_key_path_is_resolved_against_the_app_content_root()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = Path.Combine(AppContext.BaseDirectory, "fixtures") });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Partners:0:ClientId"] = PartnerTestKeys.PublishedClientKey,
            ["Partners:0:PublicKeys:0"] = "partners/qoinhub-published-example.pem",
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        });

        builder.Services.AddPartnerDirectory(builder.Configuration);
        await using var app = builder.Build();
        var partner = await app.Services.GetRequiredService<IPartnerDirectory>().FindAsync(PartnerTestKeys.PublishedClientKey, CancellationToken.None);

        Assert.True(PartnerTestKeys.Verifies(partner!, PartnerTestKeys.PublishedClientKey, Convert.FromBase64String(PartnerTestKeys.PublishedSignature)));
    }

    private static Dictionary<string, string?> VaultSettings() => new()
    {
        ["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString(),
        ["Partners:0:ClientId"] = ClientId,
    };

    private void StoreSecrets()
    {
        _vault.SetSecret("qoinhub-QoinSnap-public-keys", PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First));
        _vault.SetSecret("qoinhub-QoinSnap-client-secrets", "secret-one");
    }

    private static ServiceProvider BuildProvider(Dictionary<string, string?> settings, Action<IServiceCollection>? before = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        before?.Invoke(services);
        services.AddPartnerDirectory(ConfigurationPartnerDirectoryTests.Configuration(settings));
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }
}
