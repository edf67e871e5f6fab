using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Partners;

namespace QoinHub.Merchant.Tests.Partners;

public sealed class KeyVaultPartnerDirectoryTests : IDisposable
{
    private const string ClientId = "QoinSnap";
    private const string PublicKeysName = "qoinhub-QoinSnap-public-keys";
    private const string ClientSecretsName = "qoinhub-QoinSnap-client-secrets";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly FakeKeyVault _vault = new();
    private readonly FakeTimeProvider _time = new();
    private readonly FakeLogCollector _logs = new();

    public void Dispose() => _vault.Dispose();

    [Theory]
    [InlineData("QoinSnap", "qoinhub-QoinSnap-public-keys", "qoinhub-QoinSnap-client-secrets")]
    [InlineData("G1234325-SNAP", "qoinhub-G1234325-SNAP-public-keys", "qoinhub-G1234325-SNAP-client-secrets")]
    [InlineData("merchant_01.prod", "qoinhub-merchant-01-prod-public-keys", "qoinhub-merchant-01-prod-client-secrets")]
    [InlineData("pt.toko@id 2", "qoinhub-pt-toko-id-2-public-keys", "qoinhub-pt-toko-id-2-client-secrets")]
    public async Task Secrets_are_read_by_names_made_from_the_client_id(string clientId, string publicKeysName, string clientSecretsName)
    {
        _vault.SetSecret(publicKeysName, PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First));
        _vault.SetSecret(clientSecretsName, "secret-one");
        var directory = CreateDirectory(clientId);

        var partner = await directory.FindAsync(clientId, CancellationToken.None);

        Assert.NotNull(partner);
        Assert.Equal(clientId, partner.ClientId);
        Assert.Equal(["secret-one"], partner.ClientSecrets);
        Assert.Equal([clientSecretsName, publicKeysName], _vault.RequestedNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("SomeoneElse")]
    [InlineData("qoinsnap")]
    [InlineData("QoinSnap ")]
    public async Task Client_not_listed_exactly_is_unknown_without_asking_Key_Vault(string clientId)
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);

        Assert.Null(await directory.FindAsync(clientId, CancellationToken.None));
        Assert.Empty(_vault.RequestedNames);
    }

    [Fact]
    public async Task Credentials_are_not_read_again_within_the_refresh_interval()
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);

        var first = await directory.FindAsync(ClientId, CancellationToken.None);
        _time.Advance(RefreshInterval - TimeSpan.FromSeconds(1));
        var second = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.Same(first, second);
        Assert.Equal(2, _vault.RequestedNames.Count);
    }

    [Fact]
    public async Task Credentials_are_read_again_once_the_refresh_interval_has_passed()
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);
        await directory.FindAsync(ClientId, CancellationToken.None);

        _vault.SetSecret(ClientSecretsName, "secret-two");
        _time.Advance(RefreshInterval);
        var refreshed = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.Equal(["secret-two"], refreshed!.ClientSecrets);
        Assert.Equal(4, _vault.RequestedNames.Count);
    }

    [Fact]
    public async Task Rotated_key_verifies_after_refresh_and_a_removed_key_stops_verifying()
    {
        var byFirst = PartnerTestKeys.SignTokenRequest(PartnerTestKeys.First, ClientId);
        var bySecond = PartnerTestKeys.SignTokenRequest(PartnerTestKeys.Second, ClientId);
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);

        var before = await directory.FindAsync(ClientId, CancellationToken.None);
        Assert.True(PartnerTestKeys.Verifies(before!, ClientId, byFirst));
        Assert.False(PartnerTestKeys.Verifies(before!, ClientId, bySecond));

        // Step 1 of a rotation: the new key is added next to the old one.
        _vault.SetSecret(PublicKeysName, PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First) + PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second));
        _time.Advance(RefreshInterval);
        var during = await directory.FindAsync(ClientId, CancellationToken.None);
        Assert.Equal(2, during!.PublicKeys.Count);
        Assert.True(PartnerTestKeys.Verifies(during, ClientId, byFirst));
        Assert.True(PartnerTestKeys.Verifies(during, ClientId, bySecond));

        // Step 2: once QoinHub signs with the new key, the old one is removed.
        _vault.SetSecret(PublicKeysName, PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second));
        _time.Advance(RefreshInterval);
        var after = await directory.FindAsync(ClientId, CancellationToken.None);
        Assert.False(PartnerTestKeys.Verifies(after!, ClientId, byFirst));
        Assert.True(PartnerTestKeys.Verifies(after!, ClientId, bySecond));
    }

    [Fact]
    public async Task One_secret_holds_several_keys_of_every_PEM_kind_and_several_client_secrets()
    {
        StoreSecrets(
            PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First)
                + "\n" + PartnerTestKeys.Pkcs1PublicKeyPem(PartnerTestKeys.Second)
                + "\n" + PartnerTestKeys.CertificatePem(PartnerTestKeys.Third),
            "  secret-one  \r\n\r\n\tsecret-two\n \nsecret-three\n");
        var directory = CreateDirectory(ClientId);

        var partner = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.Equal(["secret-one", "secret-two", "secret-three"], partner!.ClientSecrets);
        Assert.Equal(3, partner.PublicKeys.Count);
        foreach (var key in new[] { PartnerTestKeys.First, PartnerTestKeys.Second, PartnerTestKeys.Third })
        {
            Assert.True(PartnerTestKeys.Verifies(partner, ClientId, PartnerTestKeys.SignTokenRequest(key, ClientId)));
        }
    }

    [Fact]
    public async Task Unchanged_secret_keeps_the_keys_it_imported()
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);
        var first = await directory.FindAsync(ClientId, CancellationToken.None);

        _time.Advance(RefreshInterval);
        var second = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.Equal(4, _vault.RequestedNames.Count);
        Assert.Same(first!.PublicKeys[0], second!.PublicKeys[0]);
    }

    [Theory]
    [InlineData("unreachable")]
    [InlineData("503")]
    [InlineData("429")]
    [InlineData("500")]
    public async Task Last_good_value_is_served_while_Key_Vault_fails(string failure)
    {
        var byFirst = PartnerTestKeys.SignTokenRequest(PartnerTestKeys.First, ClientId);
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);
        var good = await directory.FindAsync(ClientId, CancellationToken.None);

        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second), "secret-two");
        Fail(failure);
        _time.Advance(RefreshInterval);
        var duringOutage = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.Same(good, duringOutage);
        Assert.True(PartnerTestKeys.Verifies(duringOutage!, ClientId, byFirst));
        Assert.Equal(4, _vault.RequestedNames.Count);
        var warning = Assert.Single(_logs.GetSnapshot(), log => log.Level == LogLevel.Warning);
        Assert.Contains(ClientId, warning.Message, StringComparison.Ordinal);

        // Requests do not queue up behind a failing vault: the next attempt waits a while.
        _time.Advance(RetryAfterFailure - TimeSpan.FromSeconds(1));
        Assert.Same(good, await directory.FindAsync(ClientId, CancellationToken.None));
        Assert.Equal(4, _vault.RequestedNames.Count);

        _vault.Unreachable = false;
        _vault.FailWith = null;
        _time.Advance(TimeSpan.FromSeconds(1));
        var recovered = await directory.FindAsync(ClientId, CancellationToken.None);
        Assert.Equal(["secret-two"], recovered!.ClientSecrets);
        Assert.False(PartnerTestKeys.Verifies(recovered, ClientId, byFirst));
    }

    [Theory]
    [InlineData("unreachable", "could not be reached")]
    [InlineData("503", "answered 503")]
    [InlineData("429", "answered 429")]
    [InlineData("403", "refused")]
    public async Task Failing_Key_Vault_with_nothing_cached_makes_the_directory_unavailable_until_it_recovers(string failure, string reason)
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        Fail(failure);
        var directory = CreateDirectory(ClientId);

        var exception = await Assert.ThrowsAsync<PartnerDirectoryUnavailableException>(() => directory.FindAsync(ClientId, CancellationToken.None).AsTask());
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
        Assert.Contains(ClientId, exception.Message, StringComparison.Ordinal);
        Assert.Equal(LogLevel.Error, Assert.Single(_logs.GetSnapshot()).Level);

        // Nothing to fall back on, so the next request asks Key Vault again at once.
        _vault.Unreachable = false;
        _vault.FailWith = null;
        var partner = await directory.FindAsync(ClientId, CancellationToken.None);
        Assert.Equal(["secret-one"], partner!.ClientSecrets);
        Assert.Equal(4, _vault.RequestedNames.Count);
    }

    [Theory]
    [InlineData(PublicKeysName)]
    [InlineData(ClientSecretsName)]
    public async Task Missing_secret_of_a_listed_client_makes_the_directory_unavailable(string missing)
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        _vault.DeleteSecret(missing);
        var directory = CreateDirectory(ClientId);

        var exception = await Assert.ThrowsAsync<PartnerDirectoryUnavailableException>(() => directory.FindAsync(ClientId, CancellationToken.None).AsTask());

        Assert.Contains($"no secret '{missing}' (404", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no PEM", "no PEM block found")]
    [InlineData("weak key", "1024 bits; 2048 bits or more are required")]
    [InlineData("private key", "this is a private key")]
    [InlineData("blank client secrets", "holds no client secret")]
    public async Task Unusable_secret_of_a_listed_client_makes_the_directory_unavailable(string defect, string reason)
    {
        StoreUnusable(defect);
        var directory = CreateDirectory(ClientId);

        var exception = await Assert.ThrowsAsync<PartnerDirectoryUnavailableException>(() => directory.FindAsync(ClientId, CancellationToken.None).AsTask());

        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("no PEM")]
    [InlineData("weak key")]
    [InlineData("blank client secrets")]
    public async Task Secret_deleted_or_broken_after_a_good_read_keeps_the_last_good_value(string defect)
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);
        var good = await directory.FindAsync(ClientId, CancellationToken.None);

        if (defect == "deleted")
        {
            _vault.DeleteSecret(PublicKeysName);
        }
        else
        {
            StoreUnusable(defect);
        }

        _time.Advance(RefreshInterval);
        var served = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.Same(good, served);
        Assert.Equal(4, _vault.RequestedNames.Count);
        Assert.Equal(LogLevel.Warning, Assert.Single(_logs.GetSnapshot()).Level);
    }

    [Fact]
    public async Task Unusable_block_next_to_a_good_key_is_skipped_with_a_warning()
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Weak) + PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);

        var partner = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.True(PartnerTestKeys.Verifies(partner!, ClientId, PartnerTestKeys.SignTokenRequest(PartnerTestKeys.First, ClientId)));
        Assert.Single(partner!.PublicKeys);
        var warning = Assert.Single(_logs.GetSnapshot());
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("PEM block 1", warning.Message, StringComparison.Ordinal);
        Assert.Contains("1024 bits", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_first_callers_share_one_read()
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);
        _vault.Hold();

        var callers = Enumerable.Range(0, 8).Select(_ => directory.FindAsync(ClientId, CancellationToken.None).AsTask()).ToArray();
        await _vault.WaitForHeldReadsAsync(2);
        Assert.All(callers, caller => Assert.False(caller.IsCompleted));
        _vault.Release();
        var partners = await Task.WhenAll(callers);

        Assert.Equal(2, _vault.RequestedNames.Count);
        Assert.All(partners, partner => Assert.Same(partners[0], partner));
    }

    [Fact]
    public async Task Other_callers_get_the_cached_value_while_a_refresh_runs()
    {
        var bySecond = PartnerTestKeys.SignTokenRequest(PartnerTestKeys.Second, ClientId);
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);
        var cached = await directory.FindAsync(ClientId, CancellationToken.None);

        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second), "secret-two");
        _time.Advance(RefreshInterval);
        _vault.Hold();
        var refreshing = directory.FindAsync(ClientId, CancellationToken.None).AsTask();
        await _vault.WaitForHeldReadsAsync(2);

        // Answered at once from the cache: the refresh is still held.
        var meanwhile = directory.FindAsync(ClientId, CancellationToken.None);
        Assert.True(meanwhile.IsCompletedSuccessfully);
        Assert.Same(cached, await meanwhile);
        Assert.False(refreshing.IsCompleted);

        _vault.Release();
        var refreshed = await refreshing;
        Assert.True(PartnerTestKeys.Verifies(refreshed!, ClientId, bySecond));
        Assert.Equal(4, _vault.RequestedNames.Count);
    }

    [Fact]
    public async Task A_caller_giving_up_does_not_cancel_the_read_others_wait_for()
    {
        StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), "secret-one");
        var directory = CreateDirectory(ClientId);
        _vault.Hold();
        using var impatient = new CancellationTokenSource();

        var gaveUp = directory.FindAsync(ClientId, impatient.Token).AsTask();
        await _vault.WaitForHeldReadsAsync(2);
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gaveUp);

        var patient = directory.FindAsync(ClientId, CancellationToken.None).AsTask();
        _vault.Release();

        Assert.Equal(["secret-one"], (await patient)!.ClientSecrets);
        Assert.Equal(2, _vault.RequestedNames.Count);
    }

    [Fact]
    public async Task Logs_and_errors_never_carry_secret_values_or_key_material()
    {
        const string inlineSecret = "inline-secret-value-7f3a";
        const string vaultSecret = "vault-secret-value-91c2";
        var weakPem = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Weak);
        var goodPem = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First);
        var privatePem = PartnerTestKeys.First.ExportPkcs8PrivateKeyPem();
        StoreSecrets(weakPem + goodPem, vaultSecret);
        _vault.SetSecret("qoinhub-Broken-public-keys", privatePem);
        _vault.SetSecret("qoinhub-Broken-client-secrets", vaultSecret);
        var directory = new KeyVaultPartnerDirectory(
            _vault.CreateClient(),
            [
                new PartnerOptions("Partners:0", ClientId, [new ConfiguredValue("Partners:0:PublicKeys:0", goodPem)], [inlineSecret]),
                new PartnerOptions("Partners:1", "Broken", [], []),
            ],
            RefreshInterval,
            _time,
            new FakeLogger<KeyVaultPartnerDirectory>(_logs));

        await directory.FindAsync(ClientId, CancellationToken.None);
        var unavailable = await Assert.ThrowsAsync<PartnerDirectoryUnavailableException>(() => directory.FindAsync("Broken", CancellationToken.None).AsTask());
        _vault.FailWith = HttpStatusCode.ServiceUnavailable;
        _time.Advance(RefreshInterval);
        await directory.FindAsync(ClientId, CancellationToken.None);

        var logs = _logs.GetSnapshot();
        Assert.Equal(
            [LogEvents.KeyVaultInlineCredentialsIgnored, LogEvents.KeyVaultRefreshFailedServingLastGood, LogEvents.KeyVaultUnavailable, LogEvents.KeyVaultSecretProblem],
            logs.Select(log => log.Id.Id).Distinct().Order());
        var written = logs.Select(log => $"{log.Message} {log.Exception}").Append(unavailable.ToString()).ToList();
        string[] forbidden = [inlineSecret, vaultSecret, "BEGIN", .. PartnerTestKeys.Base64Lines(weakPem + goodPem + privatePem)];
        foreach (var text in written)
        {
            foreach (var value in forbidden)
            {
                Assert.DoesNotContain(value, text, StringComparison.Ordinal);
            }
        }
    }

    private KeyVaultPartnerDirectory CreateDirectory(string clientId) => new(
        _vault.CreateClient(),
        [new PartnerOptions("Partners:0", clientId, [], [])],
        RefreshInterval,
        _time,
        new FakeLogger<KeyVaultPartnerDirectory>(_logs));

    private void StoreSecrets(string publicKeys, string clientSecrets)
    {
        _vault.SetSecret(PublicKeysName, publicKeys);
        _vault.SetSecret(ClientSecretsName, clientSecrets);
    }

    private void StoreUnusable(string defect)
    {
        switch (defect)
        {
            case "no PEM":
                StoreSecrets("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA", "secret-one");
                break;
            case "weak key":
                StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Weak), "secret-one");
                break;
            case "private key":
                StoreSecrets(PartnerTestKeys.First.ExportRSAPrivateKeyPem(), "secret-one");
                break;
            case "blank client secrets":
                StoreSecrets(PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First), " \r\n\n  \n");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(defect), defect, null);
        }
    }

    private void Fail(string failure)
    {
        if (failure == "unreachable")
        {
            _vault.Unreachable = true;
        }
        else
        {
            _vault.FailWith = (HttpStatusCode)int.Parse(failure, System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
