using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Merchant.Tokens;

/// <summary>Opaque bearer tokens: 256 random bits, Base64url without padding (43 characters).</summary>
public static class AccessTokenGenerator
{
    public const int RandomBytes = 32;

    public static string NewToken() => Base64UrlEncode(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>The key a token is recorded under: lowercase hex SHA-256 of its characters.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
