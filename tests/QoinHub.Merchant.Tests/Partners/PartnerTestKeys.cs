using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using QoinHub.Merchant.Partners;

namespace QoinHub.Merchant.Tests.Partners;

/// <summary>Real RSA keys made once per test run, and the signing the token endpoint verifies.</summary>
internal static class PartnerTestKeys
{
    public static RSA First { get; } = RSA.Create(2048);

    public static RSA Second { get; } = RSA.Create(2048);

    public static RSA Third { get; } = RSA.Create(3072);

    public static RSA Weak { get; } = RSA.Create(1024);

    /// <summary>QoinHub's published token-request example and the demo key it verifies with (fixtures/partners).</summary>
    public const string PublishedClientKey = "G1234325-SNAP";

    public const string PublishedTimestamp = "2023-07-31T07:10:00+07:00";

    public const string PublishedSignature =
        "iv5YorKVVFOFS59l0HChDvPe+HeoE/jY5CfVgCg5i16nj5/DVnKg49ilkv8PyeU7y38apHhgO+cUrvkfUs5BhDD69yLn7xp8hzN9RcR0UDy5+nCrQ3GGCVSzZJvlEXN+TB0j4Q6pMsjrq4+YRoyDa4mTlsjJTU9aGjLRFBYgY4MyMQ5x11JyLnoFwbS8TJ5e/q4mUozrp49VyHe7OQSFnJNwvMSFrDyAIxoOK0IZQIlY29PaDIFcWoR+RJAY42H2FryjJcPpNfeercbkj9jsBLV3wmEKiNoN6lgFFLk5QicDnAAQzL45s92EYeCqDNuTTJOydaJbUqEo1d/ZPVNBtQ==";

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", "partners", name);

    public static string PublishedKeyPem => File.ReadAllText(FixturePath("qoinhub-published-example.pem"));

    public static string SubjectPublicKeyInfoPem(RSA key) => key.ExportSubjectPublicKeyInfoPem();

    public static string Pkcs1PublicKeyPem(RSA key) => key.ExportRSAPublicKeyPem();

    public static string CertificatePem(RSA key)
    {
        var request = new CertificateRequest("CN=QoinHub test partner", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return certificate.ExportCertificatePem();
    }

    /// <summary>The Base64 lines of a PEM text: what must never show up in a log or an error.</summary>
    public static IEnumerable<string> Base64Lines(string pem) =>
        pem.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(line => !line.StartsWith("-----", StringComparison.Ordinal));

    /// <summary>A token-request signature (SHA256withRSA over <c>clientKey|timestamp</c>) by <paramref name="key"/>.</summary>
    public static byte[] SignTokenRequest(RSA key, string clientKey) =>
        key.SignData(StringToSign(clientKey, PublishedTimestamp), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);

    /// <summary>True when one of the partner's keys verifies the token-request signature.</summary>
    public static bool Verifies(PartnerCredentials partner, string clientKey, byte[] signature, string timestamp = PublishedTimestamp) =>
        partner.PublicKeys.Any(key => key.VerifyData(StringToSign(clientKey, timestamp), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));

    private static byte[] StringToSign(string clientKey, string timestamp) => Encoding.UTF8.GetBytes($"{clientKey}|{timestamp}");
}
