using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Merchant.Tokens;

/// <summary>
/// What identifies one signed token request (client, <c>X-TIMESTAMP</c> as received, the decoded
/// signature), and the seal of the token issued for it. The seal's key is derived from the request
/// (HKDF-SHA256 over the signature), and only its hash is stored, so the token recorded for a request
/// can be recovered by whoever presents that same request again, which is exactly who would be given
/// it by a replay, and by nobody who can merely read the table.
/// </summary>
public static class TokenRequestSeal
{
    private const byte Version = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] HashPrefix = Encoding.ASCII.GetBytes("qoinhub.token-request.v1\n");
    private static readonly byte[] KeyInfo = Encoding.ASCII.GetBytes("qoinhub.token-seal.v1");

    /// <summary>Lowercase hex SHA-256 over the request's client, timestamp and signature, each length-prefixed.</summary>
    public static string Hash(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(HashPrefix);
        AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(request.ClientKey));
        AppendLengthPrefixed(hash, Encoding.UTF8.GetBytes(request.TimestampText));
        AppendLengthPrefixed(hash, request.Signature);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The token sealed (AES-256-GCM) under the request's key, bound to <paramref name="requestHash"/>.</summary>
    public static byte[] Seal(string token, TokenRequest request, string requestHash)
    {
        ArgumentNullException.ThrowIfNull(token);
        ArgumentNullException.ThrowIfNull(requestHash);
        var plain = Encoding.UTF8.GetBytes(token);
        var sealedToken = new byte[1 + NonceBytes + TagBytes + plain.Length];
        sealedToken[0] = Version;
        var nonce = sealedToken.AsSpan(1, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(Key(request), TagBytes);
        aes.Encrypt(nonce, plain, sealedToken.AsSpan(1 + NonceBytes + TagBytes), sealedToken.AsSpan(1 + NonceBytes, TagBytes), Encoding.ASCII.GetBytes(requestHash));
        return sealedToken;
    }

    /// <summary>The token sealed by <see cref="Seal"/> for this same request; null when it was sealed for another, or altered.</summary>
    public static string? Open(byte[] sealedToken, TokenRequest request, string requestHash)
    {
        ArgumentNullException.ThrowIfNull(sealedToken);
        ArgumentNullException.ThrowIfNull(requestHash);
        if (sealedToken.Length <= 1 + NonceBytes + TagBytes || sealedToken[0] != Version)
        {
            return null;
        }

        var plain = new byte[sealedToken.Length - 1 - NonceBytes - TagBytes];
        try
        {
            using var aes = new AesGcm(Key(request), TagBytes);
            aes.Decrypt(sealedToken.AsSpan(1, NonceBytes), sealedToken.AsSpan(1 + NonceBytes + TagBytes), sealedToken.AsSpan(1 + NonceBytes, TagBytes), plain, Encoding.ASCII.GetBytes(requestHash));
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plain);
    }

    private static byte[] Key(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, request.Signature, 32, Encoding.UTF8.GetBytes(request.ClientKey + "\n" + request.TimestampText), KeyInfo);
    }

    private static void AppendLengthPrefixed(IncrementalHash hash, byte[] value)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
        hash.AppendData(length);
        hash.AppendData(value);
    }
}
