using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Benchmarks;

/// <summary>
/// The CPU cost of verifying QoinHub's calls: one RSA verify per token request, and for a
/// notification one HMAC when the body is signed minified (the common case), a few more when the
/// sender re-serialized it, and every reading tried when nothing matches (a forged request).
/// </summary>
[MemoryDiagnoser]
public class SignatureBenchmarks
{
    private const string Token = "gp9HjjEj813Y9JGoqwOeOPWbnt4CupvIJbU1Mmu4a11MNDZ7Sg5u9a";
    private const string Timestamp = "2024-08-23T07:44:12+07:00";
    private const string Path = "/api/v1.0/debit/notify";

    private static readonly string[] Secrets = ["old-secret-still-registered", "qoinhub-test-secret-do-not-use"];
    private static readonly string[] Paths = [Path, "/ordersnap/api/v1.0/debit/notify"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private readonly RSA _privateKey = RSA.Create(2048);
    private RSA[] _publicKeys = [];
    private byte[] _rsaSignature = [];
    private byte[] _body = [];
    private byte[] _prettyBody = [];
    private byte[] _minifiedSignature = [];
    private byte[] _phpSignature = [];
    private byte[] _forgedSignature = [];

    [GlobalSetup]
    public void Setup()
    {
        var publicKey = RSA.Create();
        publicKey.ImportSubjectPublicKeyInfo(_privateKey.ExportSubjectPublicKeyInfo(), out _);
        _publicKeys = [publicKey];
        _rsaSignature = Convert.FromBase64String(AsymmetricSignature.Sign(_privateKey, "QoinSnap", Timestamp));

        _body = Encoding.UTF8.GetBytes("""{"originalPartnerReferenceNo":"ORD/2024/08/0017","originalReferenceNo":"T24080000031","latestTransactionStatus":"00","transactionStatusDesc":"Pembayaran berhasil — café","createdTime":"2024-08-23T07:44:11+07:00","additionalInfo":{"amount":{"value":"10000.00","currency":"IDR"}}}""");
        using var document = JsonDocument.Parse(_body);
        _prettyBody = JsonSerializer.SerializeToUtf8Bytes(document.RootElement, Indented);
        _minifiedSignature = Sign(_body);
        _phpSignature = Sign(JsonReserializer.Serialize(document.RootElement, BodyForm.Php));
        _forgedSignature = RandomNumberGenerator.GetBytes(64);
    }

    private static byte[] Sign(byte[] signedBody) =>
        SymmetricSignature.Compute(Secrets[1], SymmetricSignature.StringToSign("POST", Path, Token, SymmetricSignature.BodyHash(JsonMinifier.Minify(signedBody)), Timestamp));

    [Benchmark(Description = "token request: RSA-2048 verify")]
    public bool TokenSignature() => AsymmetricSignature.Verify(_publicKeys, "QoinSnap", Timestamp, _rsaSignature);

    [Benchmark(Description = "notify: signed over the minified body")]
    public bool NotifyMinified() => Verify(_minifiedSignature, _prettyBody);

    [Benchmark(Description = "notify: signed PHP-style (re-serialized)")]
    public bool NotifyPhp() => Verify(_phpSignature, _body);

    [Benchmark(Description = "notify: forged (every reading tried)")]
    public bool NotifyForged() => Verify(_forgedSignature, _body);

    // Each request parses its body once; that parse is part of what verification costs.
    private static bool Verify(byte[] signature, byte[] raw)
    {
        if (!SnapJsonBody.TryParse(raw, out var body))
        {
            return false;
        }

        using (body)
        {
            return NotificationSignatureVerifier.Verify(signature, Secrets, "POST", Paths, Token, body!, Timestamp) is not null;
        }
    }

    [Benchmark(Description = "minify a pretty body")]
    public int Minify() => JsonMinifier.Minify(_prettyBody).Length;
}
