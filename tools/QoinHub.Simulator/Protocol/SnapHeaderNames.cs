namespace QoinHub.Simulator.Protocol;

/// <summary>
/// The header names QoinHub sends, spelled as SNAP writes them. Kept here rather than taken from the
/// app so that a typo in the app's names shows up as a failed check instead of passing unnoticed.
/// </summary>
public static class SnapHeaderNames
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
