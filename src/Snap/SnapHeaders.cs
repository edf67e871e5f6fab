namespace QoinHub.Merchant.Snap;

/// <summary>Header names of the SNAP callbacks, as QoinHub sends them (matched case-insensitively).</summary>
public static class SnapHeaders
{
    public const string ContentType = "Content-Type";
    public const string Authorization = "Authorization";
    public const string Timestamp = "X-TIMESTAMP";
    public const string Signature = "X-SIGNATURE";
    public const string ClientKey = "X-CLIENT-KEY";
    public const string PartnerId = "X-PARTNER-ID";
    public const string ExternalId = "X-EXTERNAL-ID";
    public const string ChannelId = "CHANNEL-ID";
}
