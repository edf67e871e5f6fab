namespace QoinHub.Merchant.Snap;

/// <summary>
/// The form of a JSON body that a notification signature was computed over. SNAP says the
/// minified body; some senders sign their encoder's compact re-serialization instead of the bytes
/// they send, so those are honest readings too.
/// </summary>
public enum BodyForm
{
    /// <summary>The body as received with whitespace outside strings removed (SNAP's rule).</summary>
    Minified,

    /// <summary>JavaScript <c>JSON.stringify</c>: only quote, backslash and control characters escaped.</summary>
    JavaScript,

    /// <summary>PHP <c>json_encode</c> defaults: also <c>\/</c> and <c>\uXXXX</c> for every non-ASCII character.</summary>
    Php,

    /// <summary>Python <c>json.dumps(separators=(",", ":"))</c>: <c>ensure_ascii</c>, <c>\uXXXX</c> for non-ASCII and DEL.</summary>
    Python,
}
