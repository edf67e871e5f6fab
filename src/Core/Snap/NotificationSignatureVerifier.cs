using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// Verifies a notification's HMAC-SHA512 against every honest reading of SNAP and nothing else:
/// each registered client secret, the path as received and each configured public path, the body
/// minified as received and then re-serialized in the JavaScript, PHP and Python styles. The
/// signature was decoded (Base64 or hex) before. Each candidate costs one HMAC of a few hundred
/// bytes; the re-serializations are only built when the minified body does not match.
/// </summary>
public static class NotificationSignatureVerifier
{
    public static NotificationSignatureMatch? Verify(
        ReadOnlySpan<byte> signature,
        IReadOnlyList<string> clientSecrets,
        string method,
        IReadOnlyList<string> endpointUrls,
        string accessToken,
        ReadOnlyMemory<byte> body,
        string timestamp)
    {
        ArgumentNullException.ThrowIfNull(clientSecrets);
        ArgumentNullException.ThrowIfNull(endpointUrls);
        if (signature.Length != SymmetricSignature.SignatureLength || clientSecrets.Count == 0)
        {
            return null;
        }

        var keys = new byte[clientSecrets.Count][];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Encoding.UTF8.GetBytes(clientSecrets[i]);
        }

        var minified = JsonMinifier.Minify(body.Span);
        var seenHashes = new HashSet<string>(StringComparer.Ordinal);
        var match = TryBodyForm(signature, keys, method, endpointUrls, accessToken, minified, timestamp, seenHashes, BodyForm.Minified);
        if (match is not null || body.IsEmpty)
        {
            return match;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            foreach (var style in (ReadOnlySpan<JsonStyle>)[JsonStyle.JavaScript, JsonStyle.Php, JsonStyle.Python])
            {
                byte[] form;
                try
                {
                    form = JsonReserializer.Serialize(document.RootElement, style);
                }
                catch (InvalidOperationException)
                {
                    // A string that .NET cannot decode (a lone surrogate) has no re-serialized form.
                    return null;
                }

                match = TryBodyForm(signature, keys, method, endpointUrls, accessToken, form, timestamp, seenHashes, (BodyForm)((int)BodyForm.JavaScript + (int)style));
                if (match is not null)
                {
                    return match;
                }
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

/// <summary>The body form a signature was computed over.</summary>
public enum BodyForm
{
    Minified,
    JavaScript,
    Php,
    Python,
}
