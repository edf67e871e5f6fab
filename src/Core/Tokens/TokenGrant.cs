namespace QoinHub.Merchant.Tokens;

/// <summary>
/// The record of one signed token request and the token it was answered with, so that the same
/// request sent again (a replay, or a proxy's retry) gets that token back instead of a new one.
/// Neither the request's signature nor the token is stored as such: the request is known by a hash,
/// the token only sealed under a key that the request itself yields (<see cref="TokenRequestSeal"/>).
/// </summary>
/// <param name="RequestHash">Lowercase hex SHA-256 over client, <c>X-TIMESTAMP</c> and signature (<see cref="TokenRequestSeal.Hash"/>).</param>
/// <param name="Token">The token issued for the request.</param>
/// <param name="SealedToken">The token, sealed with <see cref="TokenRequestSeal.Seal"/>.</param>
/// <param name="KeepUntil">Until when the record is needed: while the token is valid, or the request could still pass the timestamp window.</param>
public sealed record TokenGrant(string RequestHash, IssuedToken Token, byte[] SealedToken, DateTimeOffset KeepUntil);

/// <summary>What <see cref="ITokenStore.RecordGrantAsync"/> did with a grant.</summary>
public enum GrantResult
{
    /// <summary>Recorded, with its token: the token may be handed out.</summary>
    Issued,

    /// <summary>The same signed request was answered before: <see cref="GrantOutcome.Earlier"/> holds that grant; nothing was recorded.</summary>
    Repeated,

    /// <summary>The client had its limit of new tokens in this minute: nothing was recorded.</summary>
    RateLimited,
}

/// <summary>The answer of <see cref="ITokenStore.RecordGrantAsync"/>; <see cref="Earlier"/> is set for <see cref="GrantResult.Repeated"/>.</summary>
public sealed record GrantOutcome(GrantResult Result, TokenGrant? Earlier);
