using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Functions;
using QoinHub.Merchant.Notifications;
using QoinHub.Merchant.Testing;
using QoinHub.Merchant.Tests.Hosting;
using QoinHub.Merchant.Tests.Partners;

namespace QoinHub.Merchant.Tests.Outbox;

/// <summary>
/// Where the outbox MAC keys come from: configuration locally, where start-up refuses a missing,
/// malformed or short key in one line naming the setting (never its value); Key Vault when deployed,
/// one secret per key id.
/// </summary>
public sealed class OutboxMacKeysTests : IDisposable
{
    private static readonly string ShortKey = Convert.ToBase64String(new byte[16]);

    private readonly FakeKeyVault _vault = new();

    public static TheoryData<string, string?, string> BadSettings => new()
    {
        { "Outbox:MacKeyId", null, "Outbox:MacKeyId (Outbox__MacKeyId) is not set" },
        { "Outbox:MacKeyId", "no spaces/allowed", "Outbox:MacKeyId (Outbox__MacKeyId) must be 1 to 32 letters" },
        { "Outbox:MacKeys:test", null, "Outbox:MacKeys:test (Outbox__MacKeys__test) is not set" },
        { "Outbox:MacKeys:test", ShortKey, "Outbox:MacKeys:test (Outbox__MacKeys__test) is too short" },
        { "Outbox:MacKeys:test", "not base64 at all!", "Outbox:MacKeys:test (Outbox__MacKeys__test) is not Base64" },
    };

    public void Dispose() => _vault.Dispose();

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void A_missing_malformed_or_short_key_stops_start_up_with_one_line_naming_the_setting(string setting, string? value, string expected)
    {
        var settings = AppSettings().Where(pair => pair.Key != setting).ToList();
        if (value is not null)
        {
            settings.Add(new(setting, value));
        }


        var refused = Assert.ThrowsAny<Exception>(() => AppComposition.Build(settings).Dispose());

        var line = StartupFailure.Describe(refused);
        Assert.NotNull(line);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        if (value is { Length: > 3 })
        {
            Assert.DoesNotContain(value, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task With_Key_Vault_each_key_id_is_the_secret_outbox_mac_key_id_and_the_current_one_signs()
    {
        _vault.SetSecret("outbox-mac-key-k2", Convert.ToBase64String(new byte[32]));
        _vault.SetSecret("outbox-mac-key-k1", Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray()));
        using var provider = KeyVaultKeys(("Outbox:MacKeyId", "k2"), ("Outbox:MacVerifyKeyIds", "k1"));

        var ring = await provider.GetRequiredService<IOutboxMacKeys>().GetAsync(CancellationToken.None);

        Assert.Equal("k2", ring.CurrentKeyId);
        Assert.Equal(["k1", "k2"], ring.Keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["outbox-mac-key-k1", "outbox-mac-key-k2"], _vault.RequestedNames.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(null, "Key Vault has no secret 'outbox-mac-key-k1'")]
    [InlineData("c2hvcnQ=", "Key Vault secret 'outbox-mac-key-k1' is too short")]
    public async Task With_Key_Vault_a_missing_or_short_secret_is_a_dependency_failure_naming_it(string? value, string expected)
    {
        if (value is not null)
        {
            _vault.SetSecret("outbox-mac-key-k1", value);
        }

        using var provider = KeyVaultKeys(("Outbox:MacKeyId", "k1"));

        var failure = await Assert.ThrowsAsync<OutboxMacKeysUnavailableException>(() => provider.GetRequiredService<IOutboxMacKeys>().GetAsync(CancellationToken.None).AsTask());

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        if (value is not null)
        {
            Assert.DoesNotContain(value, failure.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void With_Key_Vault_start_up_needs_the_key_id_but_no_key_in_configuration()
    {
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString() })
            .Build();

        var refused = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddOutboxMacKeys(settings));

        Assert.Contains("Outbox:MacKeyId is not set", refused.Message, StringComparison.Ordinal);
    }

    private static List<KeyValuePair<string, string?>> AppSettings() =>
    [
        new("Storage:ConnectionString", AzuriteServer.Instance.ConnectionString),
        new("LocalQueue:Name", "mac-settings"),
        new("Partners:0:ClientId", Fixtures.Vectors.ClientId),
        new("Partners:0:PublicKeys:0", Fixtures.Vectors.PublicKeyPem),
        new("Partners:0:ClientSecrets:0", Fixtures.Vectors.ClientSecret),
        .. TestOutboxMacKeys.Settings,
    ];

    private ServiceProvider KeyVaultKeys(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value))
                .Append(new("KeyVault:Uri", FakeKeyVault.VaultUri.ToString())))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton(_vault.CreateClient());
        services.AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>));
        services.AddOutboxMacKeys(configuration);
        return services.BuildServiceProvider();
    }
}
