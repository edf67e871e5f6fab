namespace QoinHub.Merchant.Tokens;

/// <summary>The record of an access token we issued. The token itself is never stored: only its hash.</summary>
/// <param name="TokenHash">Lowercase hex SHA-256 of the token's ASCII characters.</param>
/// <param name="ClientId">The client the token was issued to.</param>
public sealed record IssuedToken(string TokenHash, string ClientId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
