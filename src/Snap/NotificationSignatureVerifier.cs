using System.Security.Cryptography;
using System.Text;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// Verifies a notification's HMAC-SHA512 against every honest reading of SNAP and nothing else:
/// each registered client secret, the path as received and each configured public path, the body
/// minified as received and then re-serialized in the JavaScript, PHP and Python styles (numbers
/// always as received). The signature was decoded (Base64 or hex) before. Each candidate costs one
/// HMAC of a few hundred bytes; the re-serializations are only built when the minified body does
/// not match.
/// </summary>
public static class NotificationSignatureVerifier
{
    private static readonly BodyForm[] FormsInOrder = [BodyForm.Minified, BodyForm.JavaScript, BodyForm.Php, BodyForm.Python];

    public static NotificationSignatureMatch? Verify(
        ReadOnlySpan<byte> signature,
        IReadOnlyList<string> clientSecrets,
        string method,
        IReadOnlyList<string> endpointUrls,
        string accessToken,
        SnapJsonBody body,
        string timestamp)
    {
        ArgumentNullException.ThrowIfNull(clientSecrets);
        ArgumentNullException.ThrowIfNull(endpointUrls);
        ArgumentNullException.ThrowIfNull(body);
        if (signature.Length != SymmetricSignature.SignatureLength || clientSecrets.Count == 0)
        {
            return null;
        }

        var keys = new byte[clientSecrets.Count][];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Encoding.UTF8.GetBytes(clientSecrets[i]);
        }

        var seenHashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var form in FormsInOrder)
        {
            if (body.Form(form) is not { } bytes)
            {
                continue;
            }

            var match = TryBodyForm(signature, keys, method, endpointUrls, accessToken, bytes, timestamp, seenHashes, form);
            if (match is not null)
            {
                return match;
            }
        }

        return null;
    }

    private static NotificationSignatureMatch? TryBodyForm(
        ReadOnlySpan<byte> signature,
        byte[][] keys,
        string method,
        IReadOnlyList<string> endpointUrls,
        string accessToken,
        byte[] bodyForm,
        string timestamp,
        HashSet<string> seenHashes,
        BodyForm formName)
    {
        var bodyHash = SymmetricSignature.BodyHash(bodyForm);
        if (!seenHashes.Add(bodyHash))
        {
            return null;
        }

        Span<byte> computed = stackalloc byte[SymmetricSignature.SignatureLength];
        var matched = false;
        NotificationSignatureMatch? result = null;
        for (var p = 0; p < endpointUrls.Count; p++)
        {
            var data = Encoding.UTF8.GetBytes(SymmetricSignature.StringToSign(method, endpointUrls[p], accessToken, bodyHash, timestamp));
            for (var k = 0; k < keys.Length; k++)
            {
                HMACSHA512.HashData(keys[k], data, computed);

                // Constant time per comparison; every candidate is tried so timing does not reveal which matched.
                if (CryptographicOperations.FixedTimeEquals(computed, signature) && !matched)
                {
                    matched = true;
                    result = new NotificationSignatureMatch(k, endpointUrls[p], formName);
                }
            }
        }

        return result;
    }
}

/// <summary>Which reading verified: the index of the client secret, the path signed, the body form.</summary>
public sealed record NotificationSignatureMatch(int SecretIndex, string EndpointUrl, BodyForm BodyForm);
