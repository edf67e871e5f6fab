namespace QoinHub.Merchant.Tokens;

/// <summary>Durable record of issued tokens, keyed by the token's SHA-256.</summary>
public interface ITokenStore
{
    /// <summary>
    /// Records <paramref name="grant"/> and then its token, unless the same signed request was
    /// answered before (the grant recorded for it comes back, and its token is recorded if an
    /// earlier attempt did not get that far) or the client already had
    /// <paramref name="maxPerMinute"/> new tokens in the minute of <see cref="IssuedToken.IssuedAt"/>.
    /// Decides atomically across instances and concurrent requests: one signed request, one token.
    /// Throws when the record could not be made durable.
    /// </summary>
    Task<GrantOutcome> RecordGrantAsync(TokenGrant grant, int maxPerMinute, CancellationToken cancellationToken);

    /// <summary>Finds a token by its hash; <see langword="null"/> when we never issued it.</summary>
    Task<IssuedToken?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes (or, with <paramref name="preview"/>, counts) at most <paramref name="maxRows"/> rows
    /// that expired before <paramref name="expiredBefore"/>: tokens, and the grants and per-minute
    /// counts recorded with them.
    /// </summary>
    Task<PurgeCount> PurgeExpiredAsync(DateTimeOffset expiredBefore, int maxRows, bool preview, CancellationToken cancellationToken);
}

/// <summary>How many rows a purge deleted (or would delete), and whether it reached the end.</summary>
public sealed record PurgeCount(int Rows, bool Complete);
