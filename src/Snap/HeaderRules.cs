using System.Buffers;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// The accepted alphabet and length of each SNAP header. A value outside its rule is refused before
/// it is used, stored, logged or echoed, so control characters, quotes, commas (two headers joined
/// into one) and oversized values never travel further than the check.
/// </summary>
public sealed record HeaderRule(string Name, int MaxLength, SearchValues<char> Alphabet, string Description)
{
    private static readonly SearchValues<char> IdentifierChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:@/+=");
    private static readonly SearchValues<char> DigitChars = SearchValues.Create("0123456789");
    private static readonly SearchValues<char> ChannelChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.");
    private static readonly SearchValues<char> Base64OrHexChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=");
    private static readonly SearchValues<char> TimestampChars = SearchValues.Create("0123456789-:.+TZ");
    private static readonly SearchValues<char> BearerTokenChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/= ");
    private static readonly SearchValues<char> MediaTypeChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.+/;= \"");

    /// <summary>A client id (<c>X-CLIENT-KEY</c>): letters, digits and <c>- _ . : @ / + =</c>, at most 128.</summary>
    public static HeaderRule ClientKey { get; } = new(SnapHeaders.ClientKey, 128, IdentifierChars, "letters, digits and - _ . : @ / + =, at most 128 characters");

    /// <summary>The partner id (<c>X-PARTNER-ID</c>): the same rule as a client id, since it is one.</summary>
    public static HeaderRule PartnerId { get; } = new(SnapHeaders.PartnerId, 128, IdentifierChars, "letters, digits and - _ . : @ / + =, at most 128 characters");

    public static HeaderRule ExternalId { get; } = new(SnapHeaders.ExternalId, 36, DigitChars, "numeric, at most 36 digits");

    public static HeaderRule ChannelId { get; } = new(SnapHeaders.ChannelId, 64, ChannelChars, "letters, digits and - _ ., at most 64 characters");

    public static HeaderRule TimestampHeader { get; } = new(SnapHeaders.Timestamp, 40, TimestampChars, "ISO-8601 with a zone, e.g. 2025-07-06T14:12:50+07:00");

    public static HeaderRule Authorization { get; } = new(SnapHeaders.Authorization, 1024, BearerTokenChars, "'Bearer <accessToken>' with the token from Access Token B2B");

    public static HeaderRule HmacSignature { get; } = new(SnapHeaders.Signature, 256, Base64OrHexChars, "the HMAC-SHA512 signature (64 bytes) in Base64 or hex");

    public static HeaderRule RsaSignature { get; } = new(SnapHeaders.Signature, 4096, Base64OrHexChars, "the Base64 SHA256withRSA signature of X-CLIENT-KEY|X-TIMESTAMP");

    public static HeaderRule ContentType { get; } = new(SnapHeaders.ContentType, 128, MediaTypeChars, "application/json");

    /// <summary>True when <paramref name="value"/> is within the length and uses only the alphabet.</summary>
    public bool Accepts(string value) =>
        value.Length <= MaxLength && !value.AsSpan().ContainsAnyExcept(Alphabet);
}
