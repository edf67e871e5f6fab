using Microsoft.Extensions.Configuration;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Partners;

namespace QoinHub.Merchant.Tests.Partners;

public sealed class ConfigurationPartnerDirectoryTests
{
    private const string ClientId = "QoinSnap";

    [Fact]
    public async Task Published_QoinHub_example_verifies_with_its_key_given_as_PEM_text()
    {
        using var directory = Create(new()
        {
            ["Partners:0:ClientId"] = PartnerTestKeys.PublishedClientKey,
            ["Partners:0:PublicKeys:0"] = PartnerTestKeys.PublishedKeyPem,
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        });

        var partner = await directory.FindAsync(PartnerTestKeys.PublishedClientKey, CancellationToken.None);

        var signature = Convert.FromBase64String(PartnerTestKeys.PublishedSignature);
        Assert.True(PartnerTestKeys.Verifies(partner!, PartnerTestKeys.PublishedClientKey, signature));
        Assert.False(PartnerTestKeys.Verifies(partner!, PartnerTestKeys.PublishedClientKey, signature, timestamp: "2023-07-31T07:10:01+07:00"));
    }

    [Fact]
    public async Task Key_given_as_a_path_to_a_PEM_file_is_read_from_the_file()
    {
        using var directory = Create(new()
        {
            ["Partners:0:ClientId"] = PartnerTestKeys.PublishedClientKey,
            ["Partners:0:PublicKeys:0"] = PartnerTestKeys.FixturePath("qoinhub-published-example.pem"),
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        });

        var partner = await directory.FindAsync(PartnerTestKeys.PublishedClientKey, CancellationToken.None);

        Assert.True(PartnerTestKeys.Verifies(partner!, PartnerTestKeys.PublishedClientKey, Convert.FromBase64String(PartnerTestKeys.PublishedSignature)));
    }

    [Fact]
    public async Task Relative_key_path_is_resolved_against_the_base_directory()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Partners:0:ClientId"] = PartnerTestKeys.PublishedClientKey,
            ["Partners:0:PublicKeys:0"] = "partners/qoinhub-published-example.pem",
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        };

        using var directory = Create(settings, Path.Combine(AppContext.BaseDirectory, "fixtures"));
        var partner = await directory.FindAsync(PartnerTestKeys.PublishedClientKey, CancellationToken.None);

        Assert.Single(partner!.PublicKeys);
        var failures = new List<string>();
        using var wrongBase = ConfigurationPartnerDirectory.Create(PartnerDirectoryOptions.Read(Configuration(settings), failures).Partners, AppContext.BaseDirectory, failures);
        Assert.StartsWith("Partners:0:PublicKeys:0 is neither PEM text nor the path of an existing file", Assert.Single(failures), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_PEM_kind_and_several_keys_per_partner_are_served()
    {
        using var directory = Create(new()
        {
            ["Partners:0:ClientId"] = ClientId,
            ["Partners:0:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First),
            ["Partners:0:PublicKeys:1"] = PartnerTestKeys.Pkcs1PublicKeyPem(PartnerTestKeys.Second),
            ["Partners:0:PublicKeys:2"] = PartnerTestKeys.CertificatePem(PartnerTestKeys.Third),
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        });

        var partner = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.Equal(3, partner!.PublicKeys.Count);
        foreach (var key in new[] { PartnerTestKeys.First, PartnerTestKeys.Second, PartnerTestKeys.Third })
        {
            Assert.True(PartnerTestKeys.Verifies(partner, ClientId, PartnerTestKeys.SignTokenRequest(key, ClientId)));
        }

        Assert.False(PartnerTestKeys.Verifies(partner, ClientId, PartnerTestKeys.SignTokenRequest(PartnerTestKeys.Weak, ClientId)));
    }

    [Theory]
    [InlineData("one line")]
    [InlineData("escaped line breaks")]
    [InlineData("two blocks in one value")]
    public async Task PEM_as_app_settings_carry_it_is_accepted(string shape)
    {
        var first = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First);
        var value = shape switch
        {
            "one line" => first.Replace("\n", "", StringComparison.Ordinal),
            "escaped line breaks" => first.Replace("\n", "\\n", StringComparison.Ordinal),
            _ => first + PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second),
        };
        using var directory = Create(new()
        {
            ["Partners:0:ClientId"] = ClientId,
            ["Partners:0:PublicKeys:0"] = value,
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        });

        var partner = await directory.FindAsync(ClientId, CancellationToken.None);

        Assert.True(PartnerTestKeys.Verifies(partner!, ClientId, PartnerTestKeys.SignTokenRequest(PartnerTestKeys.First, ClientId)));
        Assert.Equal(shape == "two blocks in one value" ? 2 : 1, partner!.PublicKeys.Count);
    }

    [Fact]
    public async Task Partners_are_told_apart_and_their_secrets_served_trimmed()
    {
        using var directory = Create(new()
        {
            ["Partners:0:ClientId"] = ClientId,
            ["Partners:0:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First),
            ["Partners:0:ClientSecrets:0"] = " secret-one ",
            ["Partners:0:ClientSecrets:1"] = "secret-two",
            ["Partners:1:ClientId"] = "OtherPartner",
            ["Partners:1:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second),
            ["Partners:1:ClientSecrets:0"] = "other-secret",
        });

        var qoinSnap = await directory.FindAsync(ClientId, CancellationToken.None);
        var other = await directory.FindAsync("OtherPartner", CancellationToken.None);

        Assert.Equal(["secret-one", "secret-two"], qoinSnap!.ClientSecrets);
        Assert.Equal(["other-secret"], other!.ClientSecrets);
        Assert.False(PartnerTestKeys.Verifies(other, "OtherPartner", PartnerTestKeys.SignTokenRequest(PartnerTestKeys.First, "OtherPartner")));
    }

    [Theory]
    [InlineData("Unknown")]
    [InlineData("qoinsnap")]
    [InlineData("QoinSnap ")]
    [InlineData("")]
    public async Task Client_not_configured_exactly_is_unknown(string clientId)
    {
        using var directory = Create(new()
        {
            ["Partners:0:ClientId"] = ClientId,
            ["Partners:0:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First),
            ["Partners:0:ClientSecrets:0"] = "secret-one",
        });

        Assert.Null(await directory.FindAsync(clientId, CancellationToken.None));
    }

    private static ConfigurationPartnerDirectory Create(Dictionary<string, string?> settings, string? baseDirectory = null)
    {
        var failures = new List<string>();
        var options = PartnerDirectoryOptions.Read(Configuration(settings), failures);
        var directory = ConfigurationPartnerDirectory.Create(options.Partners, baseDirectory ?? AppContext.BaseDirectory, failures);
        Assert.Empty(failures);
        return directory;
    }

    internal static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
