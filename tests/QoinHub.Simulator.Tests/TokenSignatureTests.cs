using System.Security.Cryptography;
using System.Text;
using QoinHub.Simulator.Http;
using QoinHub.Simulator.Protocol;
using QoinHub.Simulator.Tests.Vectors;

namespace QoinHub.Simulator.Tests;

/// <summary>The simulator's Access Token B2B signature against the Node-made vectors.</summary>
public sealed class TokenSignatureTests
{
    private static SnapVectorFile Vectors => SnapVectorFile.Instance;

    public static TheoryData<int> AllVectors => [.. Enumerable.Range(0, Vectors.TokenRequests.Count)];

    public static TheoryData<int> ValidVectors =>
        [.. Enumerable.Range(0, Vectors.TokenRequests.Count).Where(index => Vectors.TokenRequests[index].Valid)];

    [Fact]
    public void Vectors_hold_valid_and_forged_token_requests()
    {
        Assert.Contains(Vectors.TokenRequests, vector => vector.Valid);
        Assert.Contains(Vectors.TokenRequests, vector => !vector.Valid);
        Assert.All(Vectors.TokenRequests.Where(vector => vector.Valid), vector => Assert.NotNull(vector.StringToSign));
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Token_string_to_sign_matches_node_vector(int index)
    {
        var vector = Vectors.TokenRequests[index];

        Assert.Equal(vector.StringToSign, SnapSigner.TokenStringToSign(vector.ClientKey, vector.Timestamp));
    }

    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Node_token_signature_verifies_over_the_simulators_string_to_sign_only_when_valid(int index)
    {
        var vector = Vectors.TokenRequests[index];
        using var publicKey = RSA.Create();
        publicKey.ImportFromPem(Vectors.Partner.PublicKeyPem);

        var verifies = publicKey.VerifyData(
            Encoding.UTF8.GetBytes(SnapSigner.TokenStringToSign(vector.ClientKey, vector.Timestamp)),
            Convert.FromBase64String(vector.Signature),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);

        Assert.True(verifies == vector.Valid, $"{vector}: verified {verifies}");
    }

    /// <summary>PKCS#1 v1.5 signatures are deterministic, so the simulator must produce Node's bytes exactly.</summary>
    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Simulator_token_signature_equals_node_signature(int index)
    {
        var vector = Vectors.TokenRequests[index];
        using var privateKey = RSA.Create();
        privateKey.ImportFromPem(Vectors.Partner.PrivateKeyPem);

        Assert.Equal(vector.Signature, SnapSigner.SignTokenRequest(privateKey, vector.ClientKey, vector.Timestamp));
    }

    [Fact]
    public void Token_request_sends_client_key_timestamp_and_node_signature_headers()
    {
        var vector = Vectors.TokenRequests.First(candidate => candidate.Valid);
        using var privateKey = RSA.Create();
        privateKey.ImportFromPem(Vectors.Partner.PrivateKeyPem);
        using var http = new HttpClient();
        var endpoint = new SnapEndpoint(http, new Uri("http://127.0.0.1:9/gateway/"), TimeProvider.System);

        var request = TokenRequests.Create(endpoint, vector.ClientKey, privateKey, vector.Timestamp);

        Assert.Equal("/gateway/api/v1.0/access-token/b2b", request.Path);
        Assert.Equal(vector.ClientKey, request.Header("X-CLIENT-KEY"));
        Assert.Equal(vector.Timestamp, request.Header("X-TIMESTAMP"));
        Assert.Equal(vector.Signature, request.Header("X-SIGNATURE"));
        Assert.Equal("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public void Published_qoinhub_example_verifies_over_the_simulators_string_to_sign()
    {
        var example = Vectors.PublishedExamples;
        using var publicKey = RSA.Create();
        publicKey.ImportFromPem(example.PublicKeyPem);

        var verifies = publicKey.VerifyData(
            Encoding.UTF8.GetBytes(SnapSigner.TokenStringToSign(example.ClientKey, example.Timestamp)),
            Convert.FromBase64String(example.Signature),
            HashAlgorithmName.SHA256,
            RSASignaturePadding.Pkcs1);

        Assert.Equal(example.Valid, verifies);
    }
}
