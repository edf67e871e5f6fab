using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Simulator.Protocol;

/// <summary>
/// The two SNAP signatures as the sender makes them. Written from the SNAP rules, not taken from the
/// app, so that the conformance checks test the app's reading of the rules rather than agree with it
/// by construction.
/// </summary>
public static class SnapSigner
{
    /// <summary>Access Token B2B: <c>X-CLIENT-KEY + "|" + X-TIMESTAMP</c>, both exactly as sent.</summary>
    public static string TokenStringToSign(string clientKey, string timestamp) => clientKey + "|" + timestamp;

    /// <summary>SHA256withRSA (PKCS#1 v1.5) over the UTF-8 string to sign, Base64-encoded.</summary>
    public static string SignTokenRequest(RSA privateKey, string clientKey, string timestamp)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var data = Encoding.UTF8.GetBytes(TokenStringToSign(clientKey, timestamp));
        return Convert.ToBase64String(privateKey.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    /// <summary>Lowercase hex of SHA-256 over the body form the sender signs (an empty body hashes the empty string).</summary>
    public static string BodyHash(ReadOnlySpan<byte> signedBody) => Convert.ToHexStringLower(SHA256.HashData(signedBody));

    /// <summary>
    /// Payment Notification Debit: <c>method:path:accessToken:bodyHash:timestamp</c>. The access
    /// token is the bearer token without its <c>Bearer </c> prefix.
    /// </summary>
    public static string NotificationStringToSign(string method, string path, string accessToken, ReadOnlySpan<byte> signedBody, string timestamp) =>
        string.Join(':', method, path, accessToken, BodyHash(signedBody), timestamp);

    /// <summary>HMAC-SHA512 keyed with the UTF-8 bytes of the client secret; encoded by <see cref="SignatureEncodings"/>.</summary>
    public static byte[] NotificationMac(string clientSecret, string stringToSign) =>
        HMACSHA512.HashData(Encoding.UTF8.GetBytes(clientSecret), Encoding.UTF8.GetBytes(stringToSign));
}
