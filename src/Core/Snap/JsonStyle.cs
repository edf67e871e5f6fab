namespace QoinHub.Merchant.Snap;

/// <summary>
/// Compact re-serializations that SNAP senders are known to sign instead of the bytes they send.
/// </summary>
public enum JsonStyle
{
    /// <summary>JavaScript <c>JSON.stringify</c>: only quote, backslash and control characters escaped.</summary>
    JavaScript,

    /// <summary>PHP <c>json_encode</c> defaults: also <c>\/</c> and <c>\uXXXX</c> for every non-ASCII character.</summary>
    Php,

    /// <summary>Python <c>json.dumps(separators=(",", ":"))</c>: <c>ensure_ascii</c>, <c>\uXXXX</c> for non-ASCII and DEL.</summary>
    Python,
}
