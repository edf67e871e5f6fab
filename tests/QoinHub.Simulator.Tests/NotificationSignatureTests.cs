using System.Text;
using QoinHub.Simulator.Http;
using QoinHub.Simulator.Protocol;
using QoinHub.Simulator.Tests.Vectors;

namespace QoinHub.Simulator.Tests;

/// <summary>The simulator's Payment Notification Debit signature against the Node-made vectors.</summary>
public sealed class NotificationSignatureTests
{
    private const string PhpSignedVector = "unicode body sent pretty, signed with PHP json_encode default escaping";
    private const string PythonSignedVector = "unicode body sent raw, signed with Python ensure_ascii escaping";

    private static SnapVectorFile Vectors => SnapVectorFile.Instance;

    public static TheoryData<string> AllVectors => [.. Vectors.Notifications.Select(vector => vector.Name)];

    public static TheoryData<string> ValidVectors => [.. Vectors.Notifications.Where(vector => vector.Valid).Select(vector => vector.Name)];

    public static TheoryData<string> InvalidVectors => [.. Vectors.Notifications.Where(vector => !vector.Valid).Select(vector => vector.Name)];

    /// <summary>The vectors signed as SNAP says, over the sent bytes minified.</summary>
    public static TheoryData<string> SignedAsSentVectors =>
        [.. Vectors.Notifications.Where(vector => vector.Valid && SignedFormOf(vector) == JsonForm.Minified).Select(vector => vector.Name)];

    /// <summary>The vector's name says which form of the sent body the sender hashed.</summary>
    private static JsonForm SignedFormOf(NotificationVector vector) => vector.Name switch
    {
        PhpSignedVector => JsonForm.Php,
        PythonSignedVector => JsonForm.Python,
        _ => JsonForm.Minified,
    };

    [Fact]
    public void Vectors_include_the_php_and_python_signed_bodies()
    {
        // Guards the name-based form lookup: a renamed vector must not quietly become "signed as sent".
        Assert.True(Vectors.Notification(PhpSignedVector).Valid);
        Assert.True(Vectors.Notification(PythonSignedVector).Valid);
        Assert.Contains(Vectors.Notifications, vector => !vector.Valid);
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Notification_string_to_sign_matches_node_vector(string name)
    {
        var vector = Vectors.Notification(name);

        Assert.Equal(vector.StringToSign, SimulatorStringToSign(vector, vector.SignedPath, SignedFormOf(vector)));
    }

    [Theory]
    [MemberData(nameof(ValidVectors))]
    public void Notification_signature_matches_node_vector(string name)
    {
        var vector = Vectors.Notification(name);

        Assert.Equal(vector.Signature, SimulatorSignature(vector, vector.SignedPath, SignedFormOf(vector)));
    }

    /// <summary>Checks the HMAC and its encoding on their own, whatever the string to sign.</summary>
    [Theory]
    [MemberData(nameof(AllVectors))]
    public void Simulator_hmac_over_node_string_to_sign_reproduces_node_signature(string name)
    {
        var vector = Vectors.Notification(name);
        var mac = SnapSigner.NotificationMac(Vectors.Partner.ClientSecret, vector.StringToSign);

        Assert.Equal(vector.Signature, Encode(mac, vector));
    }

    [Theory]
    [MemberData(nameof(InvalidVectors))]
    public void Altered_notification_does_not_match_any_signature_the_simulator_would_make(string name)
    {
        var vector = Vectors.Notification(name);

        foreach (var form in new[] { JsonForm.Minified, JsonForm.JavaScript, JsonForm.Php, JsonForm.Python })
        {
            Assert.NotEqual(vector.StringToSign, SimulatorStringToSign(vector, vector.Path, form));
            Assert.NotEqual(vector.Signature, SimulatorSignature(vector, vector.Path, form));
        }
    }

    [Theory]
    [InlineData(PhpSignedVector, JsonForm.Php)]
    [InlineData(PythonSignedVector, JsonForm.Python)]
    public void Reserialized_sent_body_is_the_form_node_signed(string name, JsonForm form)
    {
        var vector = Vectors.Notification(name);

        Assert.Equal(vector.Signature, SimulatorSignature(vector, vector.SignedPath, form));
        Assert.NotEqual(vector.Signature, SimulatorSignature(vector, vector.SignedPath, JsonForm.Minified));
    }

    [Fact]
    public void Php_form_of_the_pretty_body_is_the_php_escaped_body_node_sent()
    {
        var pretty = Vectors.Notification(PhpSignedVector);
        var phpEscaped = Vectors.Notification("unicode body sent with PHP escaping, signed as sent");

        Assert.Equal(
            Encoding.UTF8.GetString(JsonForms.Minify(Encoding.UTF8.GetBytes(phpEscaped.Body))),
            Encoding.UTF8.GetString(JsonForms.Render(Encoding.UTF8.GetBytes(pretty.Body), JsonForm.Php)));
    }

    [Fact]
    public void JavaScript_form_of_the_php_escaped_body_is_the_raw_unicode_body_node_sent()
    {
        var phpEscaped = Vectors.Notification("unicode body sent with PHP escaping, signed as sent");
        var raw = Vectors.Notification("unicode body sent raw, signed raw");

        Assert.Equal(raw.Body, Encoding.UTF8.GetString(JsonForms.Render(Encoding.UTF8.GetBytes(phpEscaped.Body), JsonForm.JavaScript)));
    }

    /// <summary>The request the simulator sends for a vector's body carries the vector's signature.</summary>
    [Theory]
    [MemberData(nameof(SignedAsSentVectors))]
    public void Notification_request_carries_node_signature_for_the_same_body(string name)
    {
        var vector = Vectors.Notification(name);
        using var http = new HttpClient();
        var endpoint = new SnapEndpoint(http, new Uri("http://127.0.0.1:9/"), TimeProvider.System);
        var spec = NotificationSpec.ForPayment("202408230000001", DateTimeOffset.UnixEpoch) with
        {
            RawBody = Encoding.UTF8.GetBytes(vector.Body),
            SignedPath = vector.SignedPath,
            Timestamp = vector.Timestamp,
            SignatureEncoding = vector.IsHexSignature ? SignatureEncoding.Hex : SignatureEncoding.Base64,
        };

        var signed = NotificationRequests.Sign(endpoint, spec, Vectors.Partner.ClientId, Vectors.Partner.ClientSecret, vector.AccessToken, "unused");

        Assert.Equal(vector.Path, signed.Request.Path);
        Assert.Equal(vector.Body, Encoding.UTF8.GetString(signed.Request.Body.Span));
        Assert.Equal(vector.Signature, signed.Request.Header("X-SIGNATURE"));
        Assert.Equal(vector.Timestamp, signed.Request.Header("X-TIMESTAMP"));
        Assert.Equal("Bearer " + vector.AccessToken, signed.Request.Header("Authorization"));
    }

    private static string SimulatorStringToSign(NotificationVector vector, string path, JsonForm form) =>
        SnapSigner.NotificationStringToSign("POST", path, vector.AccessToken, JsonForms.Render(Encoding.UTF8.GetBytes(vector.Body), form), vector.Timestamp);

    private static string SimulatorSignature(NotificationVector vector, string path, JsonForm form) =>
        Encode(SnapSigner.NotificationMac(Vectors.Partner.ClientSecret, SimulatorStringToSign(vector, path, form)), vector);

    private static string Encode(byte[] mac, NotificationVector vector) =>
        SignatureEncodings.Encode(mac, vector.IsHexSignature ? SignatureEncoding.Hex : SignatureEncoding.Base64);
}
