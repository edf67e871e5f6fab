using System.Text;
using QoinHub.Simulator.Protocol;

namespace QoinHub.Simulator.Tests;

/// <summary>The simulator's minifier and its JavaScript, PHP and Python re-serializations.</summary>
public sealed class JsonFormsTests
{
    // One string with every case the forms disagree on: non-ASCII, a slash, control characters
    // (two with no short escape), DEL, a character outside the BMP, quote, backslash; then a
    // duplicate key, a null, a number with a trailing zero, and empty containers.
    private const string Tricky =
        """{"s":"\u00e9/\u0001\u001f\u007f\ud83d\ude00\"\\\n\b\f\r\t","k":null,"k":false,"n":1.50,"a":[],"o":{}}""";

    private static string Render(string json, JsonForm form) => Encoding.UTF8.GetString(JsonForms.Render(Encoding.UTF8.GetBytes(json), form));

    private static string Minify(string json) => Encoding.UTF8.GetString(JsonForms.Minify(Encoding.UTF8.GetBytes(json)));

    [Fact]
    public void Minify_removes_whitespace_between_tokens()
    {
        Assert.Equal("""{"a":[1,2,{"b":true}],"c":null}""", Minify("{ \"a\" :\t[ 1 ,\r\n 2 , { \"b\" : true } ] ,\n  \"c\" : null }\n"));
    }

    [Fact]
    public void Minify_keeps_whitespace_inside_strings()
    {
        // Even a raw tab inside a string (not valid JSON, but the minifier does not judge) is data.
        Assert.Equal("{\"note\":\"Pembayaran  gagal:\t saldo \",\"k ey\":1}", Minify("{ \"note\" : \"Pembayaran  gagal:\t saldo \" , \"k ey\" : 1 }"));
    }

    [Fact]
    public void Minify_does_not_end_a_string_at_an_escaped_quote()
    {
        // An escaped quote stays inside the string; an escaped backslash before the real closing quote does not.
        Assert.Equal("""{"a":"say \" hi \\","b":" x "}""", Minify("""{ "a" : "say \" hi \\" , "b" : " x " }"""));
    }

    [Fact]
    public void Minify_leaves_the_characters_of_the_body_as_sent()
    {
        // No re-escaping: the PHP escapes stay escapes, raw UTF-8 stays raw.
        Assert.Equal("""{"a":"caf\u00e9 \/ café"}""", Minify("""{ "a" : "caf\u00e9 \/ café" }"""));
    }

    [Theory]
    [InlineData(JsonForm.Minified)]
    [InlineData(JsonForm.Pretty)]
    [InlineData(JsonForm.JavaScript)]
    [InlineData(JsonForm.Php)]
    [InlineData(JsonForm.Python)]
    public void Numbers_are_copied_as_their_received_text(JsonForm form)
    {
        var rendered = Render("""{ "amount" : 1.50, "big" : 12345678901234567890123, "exp" : 1E+2, "neg" : -0.0, "list" : [ 10.0 ] }""", form);

        Assert.Contains("1.50", rendered, StringComparison.Ordinal);
        Assert.Contains("12345678901234567890123", rendered, StringComparison.Ordinal);
        Assert.Contains("1E+2", rendered, StringComparison.Ordinal);
        Assert.Contains("-0.0", rendered, StringComparison.Ordinal);
        Assert.Contains("10.0", rendered, StringComparison.Ordinal);
    }

    [Fact]
    public void JavaScript_form_escapes_only_quote_backslash_and_control_characters()
    {
        // As Node's JSON.stringify writes it (checked with Node 20), but with duplicates kept.
        Assert.Equal(
            "{\"s\":\"é/\\u0001\\u001f\u007f😀\\\"\\\\\\n\\b\\f\\r\\t\",\"k\":null,\"k\":false,\"n\":1.50,\"a\":[],\"o\":{}}",
            Render(Tricky, JsonForm.JavaScript));
    }

    [Fact]
    public void Php_form_also_escapes_slash_and_every_non_ascii_code_unit()
    {
        Assert.Equal(
            "{\"s\":\"\\u00e9\\/\\u0001\\u001f\u007f\\ud83d\\ude00\\\"\\\\\\n\\b\\f\\r\\t\",\"k\":null,\"k\":false,\"n\":1.50,\"a\":[],\"o\":{}}",
            Render(Tricky, JsonForm.Php));
    }

    [Fact]
    public void Python_form_escapes_non_ascii_and_del_but_not_slash()
    {
        // As Python's json.dumps(separators=(",", ":")) writes it (checked with Python 3), duplicates kept.
        Assert.Equal(
            "{\"s\":\"\\u00e9/\\u0001\\u001f\\u007f\\ud83d\\ude00\\\"\\\\\\n\\b\\f\\r\\t\",\"k\":null,\"k\":false,\"n\":1.50,\"a\":[],\"o\":{}}",
            Render(Tricky, JsonForm.Python));
    }

    [Fact]
    public void Reserialization_keeps_member_order_duplicates_and_nulls()
    {
        var json = """{ "z" : 1, "a" : null, "z" : [ null, { "m" : "x", "b" : null } ] }""";

        Assert.Equal("""{"z":1,"a":null,"z":[null,{"m":"x","b":null}]}""", Render(json, JsonForm.JavaScript));
    }

    [Fact]
    public void Pretty_form_indents_by_two_spaces_and_keeps_empty_containers_on_one_line()
    {
        var expected = "{\n  \"additionalInfo\": {},\n  \"list\": [\n    1,\n    \"café\"\n  ],\n  \"empty\": []\n}";

        Assert.Equal(expected, Render("""{"additionalInfo":{},"list":[1,"caf\u00e9"],"empty":[]}""", JsonForm.Pretty));
    }

    [Fact]
    public void Pretty_form_minifies_to_the_javascript_form()
    {
        Assert.Equal(Render(Tricky, JsonForm.JavaScript), Minify(Render(Tricky, JsonForm.Pretty)));
    }

    [Fact]
    public void Minified_form_of_compact_javascript_is_the_same_bytes()
    {
        var compact = Render(Tricky, JsonForm.JavaScript);

        Assert.Equal(compact, Render(compact, JsonForm.Minified));
    }
}
