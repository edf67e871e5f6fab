using System.Security.Cryptography;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Partners;
using QoinHub.Merchant.Tests.Partners;

namespace QoinHub.Merchant.Tests.Http;

/// <summary>
/// Key Vault that cannot be read (here: the app's identity cannot get a token) with nothing cached:
/// the token call is answered 5007300, and the failure's stack trace is logged once (by the
/// directory, which knows what failed), not again by the handler that answered 5xx.
/// </summary>
public sealed class PartnerDirectoryFailureTests : IDisposable
{
    private readonly RSA _key = SnapClient.VectorPrivateKey();
    private readonly FakeKeyVault _vault = new();

    public void Dispose()
    {
        _key.Dispose();
        _vault.Dispose();
    }

    [Fact]
    public async Task Unreadable_key_vault_is_answered_5007300_and_its_stack_trace_is_logged_once()
    {
        await using var app = new VaultAppFactory(_vault.CreateClient(new FailingCredential()));
        var client = new SnapClient(app.CreateClient(), app.Clock);

        using var request = client.TokenRequest(_key, Fixtures.Vectors.ClientId);
        using var response = await client.Http.SendAsync(request);

        Assert.Equal((500, "5007300"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        var withStack = app.Logs.GetSnapshot().Where(log => log.Exception is not null && log.Exception.ToString().Contains(FailingCredential.Reason, StringComparison.Ordinal)).ToList();
        Assert.True(withStack.Count == 1, "records carrying the failure's stack trace: " + string.Join(" | ", withStack.Select(log => $"{log.Id.Id} {log.Message}")));
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Level == LogLevel.Error && log.Id.Id == LogEvents.CallFailedPartnerDirectory && log.Message.Contains("Key Vault", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hung_key_vault_is_answered_5007300_at_the_call_deadline()
    {
        _vault.Hold();
        await using var app = new VaultAppFactory(_vault.CreateClient(), ("Snap:CallDeadline", "00:00:02"));
        var client = new SnapClient(app.CreateClient(), app.Clock);

        using var request = client.TokenRequest(_key, Fixtures.Vectors.ClientId);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.Http.SendAsync(request);
        var elapsed = watch.Elapsed;
        _vault.Release();

        Assert.Equal((500, "5007300"), ((int)response.StatusCode, (await SnapClient.ReadAsync(response)).Code));
        Assert.True(elapsed < TimeSpan.FromSeconds(14), $"answered after {elapsed.TotalSeconds:0.0} s; the deadline is 2 s");
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Id.Id == LogEvents.CallDeadlinePassed);
    }

    private sealed class FailingCredential : TokenCredential
    {
        public const string Reason = "the identity endpoint did not answer (test)";

        public override Azure.Core.AccessToken GetToken(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AuthenticationFailedException(Reason);

        public override ValueTask<Azure.Core.AccessToken> GetTokenAsync(Azure.Core.TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            throw new AuthenticationFailedException(Reason);
    }

    private sealed class VaultAppFactory(Azure.Security.KeyVault.Secrets.SecretClient secrets, params (string Key, string Value)[] settings) : SnapAppFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
            settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value));

        protected override void ConfigureTestServices(IServiceCollection services)
        {
            services.AddSingleton<IPartnerDirectory>(provider => new KeyVaultPartnerDirectory(
                secrets,
                [new PartnerOptions("Partners:0", Fixtures.Vectors.ClientId, [], [])],
                TimeSpan.FromMinutes(5),
                TimeProvider.System,
                provider.GetRequiredService<ILogger<KeyVaultPartnerDirectory>>()));
        }
    }
}
