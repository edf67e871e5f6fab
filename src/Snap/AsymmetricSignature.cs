using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// The token request's signature: SHA256withRSA (RSASSA-PKCS1-v1_5) over
/// <c>X-CLIENT-KEY + "|" + X-TIMESTAMP</c>, the header values exactly as received, Base64-encoded.
/// </summary>
public static class AsymmetricSignature
{
    public static string StringToSign(string clientKey, string timestamp) => clientKey + "|" + timestamp;

    /// <summary>Decodes a Base64 signature; false when the header is not Base64.</summary>
    public static bool TryDecode(string signature, out byte[] decoded)
    {
        decoded = [];
        if (string.IsNullOrWhiteSpace(signature) || signature.Length > 4096)
        {
            return false;
        }

        var buffer = new byte[signature.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(signature, buffer, out var written) || written == 0)
        {
            return false;
        }

        decoded = buffer[..written];
        return true;
    }

    /// <summary>True when any of <paramref name="publicKeys"/> verifies the signature.</summary>
    public static bool Verify(IEnumerable<RSA> publicKeys, string clientKey, string timestamp, ReadOnlySpan<byte> signature)
    {
        var data = Encoding.UTF8.GetBytes(StringToSign(clientKey, timestamp));
        foreach (var key in publicKeys)
        {
            if (key.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Signs as QoinHub does (used by the simulator and tests).</summary>
    public static string Sign(RSA privateKey, string clientKey, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var data = Encoding.UTF8.GetBytes(StringToSign(clientKey, timestamp));
        return Convert.ToBase64String(privateKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }
}
