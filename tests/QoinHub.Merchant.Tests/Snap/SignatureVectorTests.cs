using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Snap;

/// <summary>Every signature vector made by the independent implementation gives its expected result.</summary>
public sealed class SignatureVectorTests
{
    public static TheoryData<int> TokenRequestIndexes => SnapVectors.Indexes("tokenRequests");

    public static TheoryData<int> NotificationIndexes => SnapVectors.Indexes("notifications");

    [Theory]
    [MemberData(nameof(TokenRequestIndexes))]
    public void Token_request_vector_verifies_as_expected(int index)
    {
        var vector = Fixtures.Vectors.TokenRequests.ElementAt(index);
        using var key = RSA.Create();
        key.ImportFromPem(Fixtures.Vectors.PublicKeyPem);
        var clientKey = vector.GetProperty("clientKey").GetString()!;
        var timestamp = vector.GetProperty("timestamp").GetString()!;
        if (vector.TryGetProperty("stringToSign", out var stringToSign))
        {
            Assert.Equal(stringToSign.GetString(), AsymmetricSignature.StringToSign(clientKey, timestamp));
        }

        Assert.True(AsymmetricSignature.TryDecode(vector.GetProperty("signature").GetString()!, out var signature));
        Assert.Equal(vector.GetProperty("valid").GetBoolean(), AsymmetricSignature.Verify([key], clientKey, timestamp, signature));
    }

    [Fact]
    public void QoinHub_published_token_signature_example_verifies()
    {
        var example = Fixtures.Vectors.PublishedExample;
        using var key = RSA.Create();
        key.ImportFromPem(example.GetProperty("publicKeyPem").GetString()!);
        Assert.True(AsymmetricSignature.TryDecode(example.GetProperty("signature").GetString()!, out var signature));
        var verified = AsymmetricSignature.Verify([key], example.GetProperty("clientKey").GetString()!, example.GetProperty("timestamp").GetString()!, signature);
        Assert.Equal(example.GetProperty("valid").GetBoolean(), verified);
        Assert.True(verified);
    }

    [Fact]
    public void Token_signature_made_here_verifies_with_the_vector_public_key()
    {
        using var privateKey = RSA.Create();
        privateKey.ImportFromPem(Fixtures.Vectors.PrivateKeyPem);
        using var publicKey = RSA.Create();
        publicKey.ImportFromPem(Fixtures.Vectors.PublicKeyPem);
        var signature = AsymmetricSignature.Sign(privateKey, "QoinSnap", "2025-07-06T14:12:50+07:00");

        // PKCS#1 v1.5 is deterministic: the same inputs give the vector's bytes.
        Assert.Equal(Fixtures.Vectors.TokenRequests.First().GetProperty("signature").GetString(), signature);
        Assert.True(AsymmetricSignature.Verify([publicKey], "QoinSnap", "2025-07-06T14:12:50+07:00", Convert.FromBase64String(signature)));
    }

    [Theory]
    [MemberData(nameof(NotificationIndexes))]
    public void Notification_vector_verifies_as_expected(int index)
    {
        var vector = Fixtures.Vectors.Notifications.ElementAt(index);
        Assert.True(SnapJsonBody.TryParse(Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!), out var body));
        using var _ = body;
        Assert.True(SymmetricSignature.TryDecode(vector.GetProperty("signature").GetString(), out var signature));

        var match = NotificationSignatureVerifier.Verify(
            signature,
            [Fixtures.Vectors.ClientSecret],
            "POST",
            [vector.GetProperty("path").GetString()!],
            vector.GetProperty("accessToken").GetString()!,
            body,
            vector.GetProperty("timestamp").GetString()!);

        Assert.Equal(vector.GetProperty("valid").GetBoolean(), match is not null);
    }

    [Theory]
    [MemberData(nameof(NotificationIndexes))]
    public void Notification_vector_string_to_sign_is_reproduced_for_the_signed_path(int index)
    {
        var vector = Fixtures.Vectors.Notifications.ElementAt(index);
        if (!vector.GetProperty("valid").GetBoolean())
        {
            return;
        }

        var expected = vector.GetProperty("stringToSign").GetString()!;
        var candidates = BodyHashes(Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!))
            .Select(hash => SymmetricSignature.StringToSign(
                "POST",
                vector.GetProperty("signedPath").GetString()!,
                vector.GetProperty("accessToken").GetString()!,
                hash,
                vector.GetProperty("timestamp").GetString()!));
        Assert.Contains(expected, candidates);
    }

    private static List<string> BodyHashes(byte[] raw)
    {
        Assert.True(SnapJsonBody.TryParse(raw, out var body));
        using (body)
        {
            return [.. Enum.GetValues<BodyForm>().Select(form => SymmetricSignature.BodyHash(body.Form(form)!))];
        }
    }

    [Fact]
    public void Notification_signature_made_here_matches_the_vector()
    {
        var vector = Fixtures.Vectors.Notifications.First();
        var signature = SymmetricSignature.Sign(
            Fixtures.Vectors.ClientSecret,
            "POST",
            vector.GetProperty("signedPath").GetString()!,
            vector.GetProperty("accessToken").GetString()!,
            Encoding.UTF8.GetBytes(vector.GetProperty("body").GetString()!),
            vector.GetProperty("timestamp").GetString()!);
        Assert.Equal(vector.GetProperty("signature").GetString(), signature);
    }
}
