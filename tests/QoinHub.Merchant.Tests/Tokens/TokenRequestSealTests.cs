using System.Text;
using QoinHub.Merchant.Tokens;

namespace QoinHub.Merchant.Tests.Tokens;

/// <summary>The token kept for a signed request opens for that same request only, and is not readable without it.</summary>
public sealed class TokenRequestSealTests
{
    private static readonly TokenRequest Request = new("QoinSnap", "2024-08-23T07:44:12+07:00", DateTimeOffset.Parse("2024-08-23T07:44:12+07:00", System.Globalization.CultureInfo.InvariantCulture), Encoding.ASCII.GetBytes(new string('s', 256)));

    [Fact]
    public void Sealed_token_opens_for_the_same_request_and_is_not_in_the_seal()
    {
        var token = AccessTokenGenerator.NewToken();
        var hash = TokenRequestSeal.Hash(Request);

        var sealedToken = TokenRequestSeal.Seal(token, Request, hash);

        Assert.Equal(token, TokenRequestSeal.Open(sealedToken, Request with { }, hash));
        Assert.DoesNotContain(token, Encoding.Latin1.GetString(sealedToken), StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    public static TheoryData<string> OtherRequests => ["client", "timestamp", "signature"];

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public void Another_request_has_another_hash_and_cannot_open_the_seal(string changed)
    {
        var hash = TokenRequestSeal.Hash(Request);
        var sealedToken = TokenRequestSeal.Seal(AccessTokenGenerator.NewToken(), Request, hash);
        var other = changed switch
        {
            "client" => Request with { ClientKey = "QoinSnap2" },
            "timestamp" => Request with { TimestampText = "2024-08-23T07:44:13+07:00" },
            _ => Request with { Signature = Encoding.ASCII.GetBytes(new string('t', 256)) },
        };

        Assert.NotEqual(hash, TokenRequestSeal.Hash(other));
        Assert.Null(TokenRequestSeal.Open(sealedToken, other, hash));
    }

    [Fact]
    public void Altered_seal_does_not_open()
    {
        var hash = TokenRequestSeal.Hash(Request);
        var sealedToken = TokenRequestSeal.Seal(AccessTokenGenerator.NewToken(), Request, hash);
        sealedToken[^1] ^= 1;

        Assert.Null(TokenRequestSeal.Open(sealedToken, Request, hash));
    }
}
