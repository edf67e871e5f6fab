using System.Text;
using QoinHub.Merchant.Snap;

namespace QoinHub.Merchant.Tests.Snap;

/// <summary>
/// The re-serialized readings of a notification body: they tolerate another encoder's escaping and
/// formatting, never a changed value. Numbers are compared as text.
/// </summary>
public sealed class BodyReadingTests
{
    private const string Secret = "reading-test-secret";
    private const string Path = "/api/v1.0/debit/notify";
    private const string Token = "reading-test-token";
    private const string Timestamp = "2024-08-23T07:44:12+07:00";

    [Theory]
    [InlineData("1.5", "1.50000000000000001")]
    [InlineData("1.5", "1.50")]
    [InlineData("100", "100.0")]
    [InlineData("100", "1e2")]
    [InlineData("0", "-0.0")]
    [InlineData("0", "-0")]
    [InlineData("9007199254740992", "9007199254740993.0")]
    [InlineData("9007199254740992", "9007199254740993")]
    public void Signature_over_one_number_does_not_verify_a_body_with_another_spelling_of_it(string signedNumber, string sentNumber)
    {
        var signedBody = Body(signedNumber);
        var signature = SignOver(Encoding.UTF8.GetBytes(signedBody));

        using var sent = Parse(Body(sentNumber));

        Assert.Null(NotificationSignatureVerifier.Verify(signature, [Secret], "POST", [Path], Token, sent, Timestamp));
    }

    [Theory]
    [InlineData(BodyForm.JavaScript)]
    [InlineData(BodyForm.Php)]
    [InlineData(BodyForm.Python)]
    public void Body_sent_pretty_with_numbers_verifies_when_signed_in_an_encoders_form(BodyForm form)
    {
        var sentText = """
            {
              "amount": 10000.50,
              "fee": 1e3,
              "originalReferenceNo": "T240800/0027",
              "transactionStatusDesc": "Pembayaran berhasil — café \u0041"
            }
            """;
        using var sent = Parse(sentText);
        var signature = SignOver(sent.Form(form)!);

        var match = NotificationSignatureVerifier.Verify(signature, [Secret], "POST", [Path], Token, sent, Timestamp);

        Assert.NotNull(match);
        Assert.Equal(form, match.BodyForm);
    }

    [Fact]
    public void Re_serialized_forms_copy_numbers_as_received()
    {
        using var body = Parse("""{ "a": 1.50, "b": 1E3, "c": -0.0, "d": [ 9007199254740993, 0.1 ] }""");

        foreach (var form in new[] { BodyForm.JavaScript, BodyForm.Php, BodyForm.Python })
        {
            Assert.Equal("""{"a":1.50,"b":1E3,"c":-0.0,"d":[9007199254740993,0.1]}""", Encoding.UTF8.GetString(body.Form(form)!));
        }
    }

    [Theory]
    [InlineData(BodyForm.JavaScript, """{"s":"/é\u0001","k":null}""")]
    [InlineData(BodyForm.Php, """{"s":"\/\u00e9\u0001","k":null}""")]
    [InlineData(BodyForm.Python, """{"s":"/\u00e9\u0001","k":null}""")]
    public void Re_serialized_forms_escape_as_each_encoder_does(BodyForm form, string expected)
    {
        using var body = Parse("""{ "s": "/\u00e9\u0001", "k": null }""");

        Assert.Equal(expected, Encoding.UTF8.GetString(body.Form(form)!));
    }

    [Fact]
    public void Body_with_an_escaped_lone_surrogate_has_only_its_minified_form()
    {
        using var body = Parse("""{"transactionStatusDesc":"Succ\ud800ess"}""");

        Assert.NotNull(body.Form(BodyForm.Minified));
        Assert.Null(body.Form(BodyForm.JavaScript));
        Assert.Null(body.Form(BodyForm.Php));
        Assert.Null(body.Form(BodyForm.Python));
    }

    [Fact]
    public void Forms_are_built_once()
    {
        using var body = Parse("""{"a":"b"}""");

        Assert.Same(body.Form(BodyForm.Php), body.Form(BodyForm.Php));
        Assert.Same(body.Form(BodyForm.Minified), body.Form(BodyForm.Minified));
    }

    private static string Body(string amount) =>
        $$"""{"additionalInfo":{"amount":{{amount}}},"latestTransactionStatus":"00","originalReferenceNo":"T24080000027"}""";

    private static SnapJsonBody Parse(string text)
    {
        Assert.True(SnapJsonBody.TryParse(Encoding.UTF8.GetBytes(text), out var body));
        return body;
    }

    private static byte[] SignOver(byte[] signedForm) =>
        SymmetricSignature.Compute(Secret, SymmetricSignature.StringToSign("POST", Path, Token, SymmetricSignature.BodyHash(JsonMinifier.Minify(signedForm)), Timestamp));
}
