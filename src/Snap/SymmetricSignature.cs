using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// The notification's signature:
/// <c>Base64(HMAC-SHA512(clientSecret, METHOD:EndpointUrl:AccessToken:lowerhex(SHA-256(minify(body))):X-TIMESTAMP))</c>.
/// </summary>
public static class SymmetricSignature
{
    public const int SignatureLength = HMACSHA512.HashSizeInBytes;

    public static string BodyHash(ReadOnlySpan<byte> minifiedBody) =>
        minifiedBody.IsEmpty ? string.Empty : Convert.ToHexStringLower(SHA256.HashData(minifiedBody));

    public static string StringToSign(string method, string endpointUrl, string accessToken, string bodyHash, string timestamp) =>
        string.Concat(method, ":", endpointUrl, ":", accessToken, ":", bodyHash, ":" + timestamp);

    public static byte[] Compute(string clientSecret, string stringToSign) =>
        HMACSHA512.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(stringToSign));

    /// <summary>Signs as QoinHub does: minifies the body, Base64 output (the simulator and tests use this).</summary>
    public static string Sign(string clientSecret, string method, string endpointUrl, string accessToken, ReadOnlySpan<byte> body, string timestamp) =>
        Convert.ToBase64String(Compute(clientSecret, StringToSign(method, endpointUrl, accessToken, BodyHash(JsonMinifier.Minify(body)), timestamp)));

    /// <summary>
    /// Decodes an <c>X-SIGNATURE</c> sent as Base64 or as hex (either case). Only a 64-byte
    /// result counts, which also tells the two encodings apart.
    /// </summary>
    public static bool TryDecode(string? signature, out byte[] decoded)
    {
        decoded = [];
        if (string.IsNullOrEmpty(signature))
        {
            return false;
        }

        if (signature.Length == SignatureLength * 2)
        {
            try
            {
                decoded = Convert.FromHexString(signature);
                return true;
            }
            catch (FormatException)
            {
                // Not hex: try Base64 below.
            }
        }

        var buffer = new byte[SignatureLength + 3];
        if (signature.Length <= 90 && Convert.TryFromBase64String(signature, buffer, out var written) && written == SignatureLength)
        {
            decoded = buffer[..written];
            return true;
        }

        return false;
    }
}
