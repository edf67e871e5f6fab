using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using QoinHub.Merchant.AzureAdapters.KeyVault;
using QoinHub.Merchant.Partners;

namespace QoinHub.Merchant.Tests.Partners;

/// <summary>A bad <c>Partners</c> or <c>KeyVault</c> setting stops start-up with a message naming it and never quoting a value.</summary>
public sealed class PartnerSettingsValidationTests
{
    private const string Secret = "client-secret-that-must-not-be-echoed";

    [Theory]
    [InlineData("malformed PEM", "Partners:0:PublicKeys:1: 1 PEM block(s) are malformed")]
    [InlineData("1024-bit key", "Partners:0:PublicKeys:1: PEM block 1 (PUBLIC KEY): RSA key of 1024 bits; 2048 bits or more are required")]
    [InlineData("1024-bit certificate", "Partners:0:PublicKeys:1: PEM block 1 (CERTIFICATE): RSA key of 1024 bits")]
    [InlineData("EC key", "Partners:0:PublicKeys:1: PEM block 1 (PUBLIC KEY): not an RSA key")]
    [InlineData("EC certificate", "Partners:0:PublicKeys:1: PEM block 1 (CERTIFICATE): the certificate's key is not RSA")]
    [InlineData("private key", "Partners:0:PublicKeys:1: PEM block 1 (PRIVATE KEY): this is a private key")]
    [InlineData("RSA private key", "Partners:0:PublicKeys:1: PEM block 1 (RSA PRIVATE KEY): this is a private key")]
    [InlineData("unsupported PEM", "Partners:0:PublicKeys:1: PEM block 1 (X509 CRL): unsupported PEM type")]
    [InlineData("corrupt certificate", "Partners:0:PublicKeys:1: PEM block 1 (CERTIFICATE): the block's content is not a valid key or certificate")]
    [InlineData("good and bad block", "Partners:0:PublicKeys:1: PEM block 2 (PUBLIC KEY): RSA key of 1024 bits")]
    [InlineData("missing file", "Partners:0:PublicKeys:1 is neither PEM text nor the path of an existing file")]
    [InlineData("file without PEM", "not-a-key.txt'): no PEM block found")]
    [InlineData("no public keys", "Partners:0:PublicKeys is empty")]
    [InlineData("blank public key", "Partners:0:PublicKeys:1 is empty")]
    [InlineData("no client secrets", "Partners:0:ClientSecrets is empty")]
    [InlineData("blank client secret", "Partners:0:ClientSecrets:1 is empty")]
    [InlineData("missing client id", "Partners:1:ClientId is missing")]
    [InlineData("client id with spaces", "Partners:1:ClientId has leading or trailing whitespace")]
    [InlineData("duplicate client id", "Partners:1:ClientId repeats the client id of Partners:0")]
    [InlineData("http vault", "KeyVault:Uri must be an absolute https URI")]
    [InlineData("relative vault", "KeyVault:Uri must be an absolute https URI")]
    [InlineData("unreadable refresh interval", "KeyVault:RefreshInterval must be a positive time span")]
    [InlineData("zero refresh interval", "KeyVault:RefreshInterval must be a positive time span")]
    [InlineData("client ids sharing secret names", "Partners:2:ClientId maps to the same Key Vault secret names as Partners:1 ('qoinhub-Qoin-Snap-public-keys')")]
    [InlineData("client ids differing in case", "Partners:1:ClientId maps to the same Key Vault secret names as Partners:0")]
    [InlineData("client id too long for Key Vault", "Partners:1:ClientId is too long for a Key Vault secret name")]
    public void Bad_setting_stops_start_up_with_a_message_naming_it(string defect, string expected)
    {
        var settings = ValidSettings();
        var validKeyLines = PartnerTestKeys.Base64Lines(settings["Partners:0:PublicKeys:0"]!).ToList();
        var quoted = Break(settings, defect);

        var exception = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddPartnerDirectory(ConfigurationPartnerDirectoryTests.Configuration(settings)));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        string[] forbidden = [Secret, .. validKeyLines, .. quoted];
        foreach (var value in forbidden)
        {
            Assert.DoesNotContain(value, exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_bad_setting_is_reported_at_once()
    {
        var settings = ValidSettings();
        settings["Partners:0:PublicKeys:1"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Weak);
        settings["Partners:1:ClientId"] = "OtherPartner";
        settings["Partners:1:PublicKeys:0"] = "missing.pem";

        var exception = Assert.Throws<OptionsValidationException>(() => new ServiceCollection().AddPartnerDirectory(ConfigurationPartnerDirectoryTests.Configuration(settings)));

        Assert.Equal(3, exception.Failures.Count());
        Assert.Contains(exception.Failures, failure => failure.StartsWith("Partners:0:PublicKeys:1:", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, failure => failure.StartsWith("Partners:1:PublicKeys:0 is neither", StringComparison.Ordinal));
        Assert.Contains(exception.Failures, failure => failure.StartsWith("Partners:1:ClientSecrets is empty", StringComparison.Ordinal));
    }

    [Fact]
    public void Key_Vault_entries_need_no_keys_or_secrets_and_their_blanks_are_ignored()
    {
        var settings = new Dictionary<string, string?>
        {
            ["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString(),
            ["Partners:0:ClientId"] = "QoinSnap",
            ["Partners:1:ClientId"] = "OtherPartner",
            ["Partners:1:ClientSecrets:0"] = "",
        };

        var services = new ServiceCollection().AddPartnerDirectory(ConfigurationPartnerDirectoryTests.Configuration(settings));

        Assert.Contains(services, service => service.ServiceType == typeof(KeyVaultPartnerDirectory));
    }

    private static Dictionary<string, string?> ValidSettings() => new()
    {
        ["Partners:0:ClientId"] = "QoinSnap",
        ["Partners:0:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.First),
        ["Partners:0:ClientSecrets:0"] = Secret,
    };

    /// <summary>Applies the defect; returns the Base64 of any key material it added, which no message may quote.</summary>
    private static IEnumerable<string> Break(Dictionary<string, string?> settings, string defect)
    {
        string? pem = null;
        switch (defect)
        {
            case "malformed PEM":
                pem = "-----BEGIN PUBLIC KEY-----\nnot*Base64*at*all\n-----END PUBLIC KEY-----";
                break;
            case "1024-bit key":
                pem = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Weak);
                break;
            case "1024-bit certificate":
                pem = PartnerTestKeys.CertificatePem(PartnerTestKeys.Weak);
                break;
            case "EC key":
                using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    pem = ec.ExportSubjectPublicKeyInfoPem();
                }

                break;
            case "EC certificate":
                using (var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    var request = new CertificateRequest("CN=EC partner", ec, HashAlgorithmName.SHA256);
                    using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
                    pem = certificate.ExportCertificatePem();
                }

                break;
            case "private key":
                pem = PartnerTestKeys.Second.ExportPkcs8PrivateKeyPem();
                break;
            case "RSA private key":
                pem = PartnerTestKeys.Second.ExportRSAPrivateKeyPem();
                break;
            case "unsupported PEM":
                pem = new string(PemEncoding.Write("X509 CRL", RandomNumberGenerator.GetBytes(64)));
                break;
            case "corrupt certificate":
                pem = new string(PemEncoding.Write("CERTIFICATE", RandomNumberGenerator.GetBytes(300)));
                break;
            case "good and bad block":
                pem = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second) + PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Weak);
                break;
            case "missing file":
                settings["Partners:0:PublicKeys:1"] = "keys/does-not-exist.pem";
                break;
            case "file without PEM":
                settings["Partners:0:PublicKeys:1"] = PartnerTestKeys.FixturePath("not-a-key.txt");
                break;
            case "no public keys":
                settings.Remove("Partners:0:PublicKeys:0");
                break;
            case "blank public key":
                settings["Partners:0:PublicKeys:1"] = "   ";
                break;
            case "no client secrets":
                settings.Remove("Partners:0:ClientSecrets:0");
                break;
            case "blank client secret":
                settings["Partners:0:ClientSecrets:1"] = " ";
                break;
            case "missing client id":
                settings["Partners:1:ClientSecrets:0"] = Secret;
                break;
            case "client id with spaces":
                AddPartner(settings, 1, " QoinSnap");
                break;
            case "duplicate client id":
                AddPartner(settings, 1, "QoinSnap");
                break;
            case "http vault":
                settings["KeyVault:Uri"] = "http://partners-test.vault.azure.net/";
                break;
            case "relative vault":
                settings["KeyVault:Uri"] = "partners-test";
                break;
            case "unreadable refresh interval":
                settings["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString();
                settings["KeyVault:RefreshInterval"] = "five minutes";
                break;
            case "zero refresh interval":
                settings["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString();
                settings["KeyVault:RefreshInterval"] = "00:00:00";
                break;
            case "client ids sharing secret names":
                settings["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString();
                settings["Partners:1:ClientId"] = "Qoin.Snap";
                settings["Partners:2:ClientId"] = "Qoin_Snap";
                break;
            case "client ids differing in case":
                settings["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString();
                settings["Partners:1:ClientId"] = "QOINSNAP";
                break;
            case "client id too long for Key Vault":
                settings["KeyVault:Uri"] = FakeKeyVault.VaultUri.ToString();
                settings["Partners:1:ClientId"] = new string('c', 105);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(defect), defect, null);
        }

        if (pem is null)
        {
            return [];
        }

        settings["Partners:0:PublicKeys:1"] = pem;
        return PartnerTestKeys.Base64Lines(pem);
    }

    private static void AddPartner(Dictionary<string, string?> settings, int index, string clientId)
    {
        settings[$"Partners:{index}:ClientId"] = clientId;
        settings[$"Partners:{index}:PublicKeys:0"] = PartnerTestKeys.SubjectPublicKeyInfoPem(PartnerTestKeys.Second);
        settings[$"Partners:{index}:ClientSecrets:0"] = Secret;
    }
}
