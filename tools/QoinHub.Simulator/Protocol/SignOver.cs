using System.Text.Json;
using QoinHub.Merchant.Snap;

namespace QoinHub.Simulator.Protocol;

/// <summary>Which form of the body the notification signature hashes.</summary>
public enum SignOver
{
    /// <summary>The sent bytes minified (whitespace outside strings removed), as SNAP says.</summary>
    AsSent,

    /// <summary>The body re-serialized by JavaScript <c>JSON.stringify</c>.</summary>
    JavaScript,

    /// <summary>The body re-serialized by PHP <c>json_encode</c> (<c>\/</c>, <c>\uXXXX</c>).</summary>
    Php,

    /// <summary>The body re-serialized by Python <c>json.dumps</c> with compact separators.</summary>
    Python,
}

public static class SignedBodyForms
{
    public static byte[] Of(ReadOnlySpan<byte> sentBody, SignOver form)
    {
        if (form == SignOver.AsSent)
        {
            return JsonMinifier.Minify(sentBody);
        }

        using var document = JsonDocument.Parse(sentBody.ToArray());
        var style = form switch
        {
            SignOver.JavaScript => JsonStyle.JavaScript,
            SignOver.Php => JsonStyle.Php,
            _ => JsonStyle.Python,
        };
        return JsonReserializer.Serialize(document.RootElement, style);
    }
}
