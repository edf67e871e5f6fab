using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QoinHub.Merchant.Partners;

/// <summary>
/// Imports the RSA public keys found in PEM text: <c>PUBLIC KEY</c> (SubjectPublicKeyInfo),
/// <c>RSA PUBLIC KEY</c> (PKCS#1) and <c>CERTIFICATE</c> (X.509, only its public key is used).
/// </summary>
/// <remarks>
/// Problems are reported per PEM block and never quote the block: a message may reach a log or a
/// start-up error, and a private key pasted by mistake must not travel further than it already has.
/// </remarks>
public static class RsaPublicKeyPem
{
    public const int MinimumKeySizeInBits = 2048;

    private const string RsaAlgorithmOid = "1.2.840.113549.1.1.1";
    private const string BeginMarker = "-----BEGIN ";

    /// <summary>True when the text holds at least the start of a PEM block (as opposed to, say, a file path).</summary>
    public static bool LooksLikePem(string text) => text.Contains(BeginMarker, StringComparison.Ordinal);

    /// <summary>
    /// Imports every RSA public key in <paramref name="text"/>. The caller owns the returned keys.
    /// Blocks that cannot be used are skipped and described in <see cref="RsaPublicKeyImport.Problems"/>.
    /// </summary>
    public static RsaPublicKeyImport Import(string text)
    {
        // App settings often cannot hold line breaks, so a PEM pasted there arrives with literal "\n"
        // sequences; a backslash never occurs in Base64 or in a PEM label, so the rewrite is safe.
        text = text.Replace("\\r\\n", "\n", StringComparison.Ordinal).Replace("\\n", "\n", StringComparison.Ordinal);

        // Files concatenated without a final line break glue one block's END line to the next BEGIN line.
        text = text.Replace("----------BEGIN ", "-----\n-----BEGIN ", StringComparison.Ordinal);

        var keys = new List<RSA>();
        var problems = new List<string>();
        var blockNumber = 0;
        var remaining = text.AsSpan();
        while (PemEncoding.TryFind(remaining, out var fields))
        {
            blockNumber++;
            var label = remaining[fields.Label].ToString();
            var der = Convert.FromBase64String(remaining[fields.Base64Data].ToString());
            var problem = TryImportBlock(label, der, out var key);
            if (key is not null)
            {
                keys.Add(key);
            }
            else
            {
                problems.Add($"PEM block {blockNumber} ({label}): {problem}");
            }

            remaining = remaining[fields.Location.End..];
        }

        // PemEncoding.TryFind skips blocks it cannot parse (bad Base64, mismatched END line);
        // counting the BEGIN lines tells us that something was skipped.
        var begins = CountOccurrences(text, BeginMarker);
        if (begins > blockNumber)
        {
            problems.Add($"{begins - blockNumber} PEM block(s) are malformed (bad Base64 or no matching END line)");
        }
        else if (begins == 0)
        {
            problems.Add("no PEM block found (expected a line like '-----BEGIN PUBLIC KEY-----')");
        }

        return new RsaPublicKeyImport(keys, problems);
    }

    private static string? TryImportBlock(string label, byte[] der, out RSA? key)
    {
        key = null;
        try
        {
            switch (label)
            {
                case "PUBLIC KEY":
                    var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(der, out _);
                    if (publicKey.Oid.Value != RsaAlgorithmOid)
                    {
                        return $"not an RSA key (algorithm {publicKey.Oid.Value}); only RSA is accepted";
                    }

                    key = publicKey.GetRSAPublicKey();
                    break;
                case "RSA PUBLIC KEY":
                    key = RSA.Create();
                    key.ImportRSAPublicKey(der, out _);
                    break;
                case "CERTIFICATE":
                    using (var certificate = X509CertificateLoader.LoadCertificate(der))
                    {
                        key = certificate.GetRSAPublicKey();
                        if (key is null)
                        {
                            return $"the certificate's key is not RSA (algorithm {certificate.PublicKey.Oid.Value}); only RSA is accepted";
                        }
                    }

                    break;
                case var _ when label.Contains("PRIVATE KEY", StringComparison.Ordinal):
                    return "this is a private key; configure the partner's public key (or certificate) only, and treat the private key as leaked";
                default:
                    return "unsupported PEM type; expected PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE";
            }
        }
        catch (CryptographicException)
        {
            key?.Dispose();
            key = null;
            return "the block's content is not a valid key or certificate";
        }

        if (key is null)
        {
            return "no RSA public key could be read";
        }

        if (key.KeySize < MinimumKeySizeInBits)
        {
            var size = key.KeySize;
            key.Dispose();
            key = null;
            return $"RSA key of {size} bits; {MinimumKeySizeInBits} bits or more are required";
        }

        return null;
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

/// <summary>The keys found in a PEM text and what was wrong with the blocks that were skipped.</summary>
public sealed record RsaPublicKeyImport(IReadOnlyList<RSA> Keys, IReadOnlyList<string> Problems);
