using System.Text;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Snap;

/// <summary>
/// A key sent twice in one object is read differently by different JSON readers (last wins here,
/// first wins elsewhere), so a body that holds one is refused, in both services, naming the key.
/// </summary>
public sealed class DuplicateKeyTests
{
    public static TheoryData<string, string> BodiesWithADuplicate { get; } = new()
    {
        { """{"latestTransactionStatus":"03","createdTime":"x","latestTransactionStatus":"00"}""", "latestTransactionStatus" },
        { """{"grantType":"password","grantType":"client_credentials"}""", "grantType" },
        { """{"grantType":"client_credentials","additionalInfo":{"channel":"a","channel":"b"}}""", "additionalInfo.channel" },
        { """{"additionalInfo":{"items":[{"id":1},{"id":2,"id":3}]}}""", "additionalInfo.items[1].id" },
        { """{"a":{"b":{"c":{"d":1,"d":1}}}}""", "a.b.c.d" },

        // The same key however it is escaped: every reader unescapes names before it compares them.
        { """{"grantType":"password","gr\u0061ntType":"client_credentials"}""", "grantType" },
        { """{"note":"é","not\u0065":"e"}""", "note" },

        // Keys no encoder writes (escaped lone surrogates) are compared, and named, as sent.
        { """{"k\ud800":1,"k\ud800":2}""", "k\\ud800" },
    };

    public static TheoryData<string> BodiesWithoutADuplicate { get; } = new()
    {
        """{"grantType":"client_credentials","additionalInfo":{}}""",
        """{"additionalInfo":{"grantType":"x"},"grantType":"client_credentials"}""",
        """{"items":[{"id":1},{"id":2}],"id":3}""",
        """{"a":1,"A":2}""",
        """{"k\ud800":1,"k\udc00":2}""",
        """{"k":[1,1,{"k":1}]}""",
    };

    [Theory]
    [MemberData(nameof(BodiesWithADuplicate))]
    public void Body_with_a_key_sent_twice_in_one_object_is_refused_naming_the_key(string body, string key)
    {
        foreach (var service in new[] { SnapResponses.DebitNotify, SnapResponses.AccessToken })
        {
            var refusal = SnapRequestChecks.JsonObjectBody(Request(body), service, out var parsed);

            Assert.Null(parsed);
            Assert.NotNull(refusal);
            Assert.Equal((400, $"400{service.Code}01"), (refusal.HttpStatus, refusal.ResponseCode));
            Assert.Equal($"Invalid Field Format {key}. The key is sent more than once in its object; send each key once.", refusal.ResponseMessage);
        }
    }

    [Theory]
    [MemberData(nameof(BodiesWithoutADuplicate))]
    public void Body_whose_keys_are_unique_in_each_object_is_read(string body)
    {
        var refusal = SnapRequestChecks.JsonObjectBody(Request(body), SnapResponses.DebitNotify, out var parsed);

        using (parsed)
        {
            Assert.Null(refusal);
            Assert.NotNull(parsed);
        }
    }

    /// <summary>Keys that would make a poor or unsafe field name (empty, long, control characters, non-ASCII) are described, never echoed.</summary>
    [Theory]
    [InlineData("""{"":1,"":2}""")]
    [InlineData("""{"a\u001b[31m":1,"a\u001b[31m":2}""")]
    [InlineData("""{"line\nbreak":1,"line\nbreak":2}""")]
    [InlineData("""{"café":1,"café":2}""")]
    public void Key_that_cannot_be_named_safely_is_described_instead(string body)
    {
        var refusal = SnapRequestChecks.JsonObjectBody(Request(body), SnapResponses.AccessToken, out _);

        Assert.Equal("Invalid Field Format body. A key is sent more than once in one of its objects; send each key once.", refusal?.ResponseMessage);
    }

    [Fact]
    public void Key_too_long_to_name_is_described_instead()
    {
        var body = $$"""{"{{new string('k', 200)}}":1,"{{new string('k', 200)}}":2}""";

        var refusal = SnapRequestChecks.JsonObjectBody(Request(body), SnapResponses.DebitNotify, out _);

        Assert.Equal("Invalid Field Format body. A key is sent more than once in one of its objects; send each key once.", refusal?.ResponseMessage);
    }

    private static SnapRequest Request(string body) =>
        new("POST", "/api/v1.0/debit/notify", new Dictionary<string, string>(), Encoding.UTF8.GetBytes(body));
}
