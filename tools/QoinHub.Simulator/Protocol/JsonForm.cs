namespace QoinHub.Simulator.Protocol;

/// <summary>
/// A way of writing the same JSON document. One idea serves both sides of a notification: the form
/// the body is sent in, and the form the signature hashes (SNAP says the sent bytes minified; some
/// senders sign their own re-serialization instead).
/// </summary>
public enum JsonForm
{
    /// <summary>
    /// The given bytes with whitespace outside strings removed, nothing else touched. Signing in this
    /// form is what SNAP prescribes ("as sent").
    /// </summary>
    Minified,

    /// <summary>Indented by two spaces, <c>": "</c> after names, escaped as JavaScript would.</summary>
    Pretty,

    /// <summary>JavaScript <c>JSON.stringify</c>: only quote, backslash and control characters escaped.</summary>
    JavaScript,

    /// <summary>PHP <c>json_encode</c> defaults: also <c>\/</c>, and <c>\uXXXX</c> for every non-ASCII UTF-16 code unit.</summary>
    Php,

    /// <summary>Python <c>json.dumps(separators=(",", ":"))</c>: <c>ensure_ascii</c>, <c>\uXXXX</c> for non-ASCII and DEL.</summary>
    Python,
}
