namespace QoinHub.Simulator.Protocol;

/// <summary>How the HMAC-SHA512 of a notification is written in <c>X-SIGNATURE</c>.</summary>
public enum SignatureEncoding
{
    Base64,

    /// <summary>Lowercase hex, as in BI's samples and one version of QoinHub's page.</summary>
    Hex,

    HexUpper,
}

public static class SignatureEncodings
{
    public static string Encode(byte[] mac, SignatureEncoding encoding) => encoding switch
    {
        SignatureEncoding.Hex => Convert.ToHexStringLower(mac),
        SignatureEncoding.HexUpper => Convert.ToHexString(mac),
        _ => Convert.ToBase64String(mac),
    };
}
