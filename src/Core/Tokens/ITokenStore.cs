namespace QoinHub.Merchant.Tokens;

/// <summary>Durable record of issued tokens, keyed by the token's SHA-256.</summary>
public interface ITokenStore
{
    /// <summary>Records a newly issued token. Throws when the record could not be made durable.</summary>
    Task RecordAsync(IssuedToken token, CancellationToken cancellationToken);

    /// <summary>Finds a token by its hash; <see langword="null"/> when we never issued it.</summary>
    Task<IssuedToken?> FindAsync(string tokenHash, CancellationToken cancellationToken);

    /// <summary>Deletes (or, with <paramref name="preview"/>, counts) at most <paramref name="maxRows"/> tokens that expired before <paramref name="expiredBefore"/>.</summary>
    Task<PurgeCount> PurgeExpiredAsync(DateTimeOffset expiredBefore, int maxRows, bool preview, CancellationToken cancellationToken);
}

/// <summary>How many rows a purge deleted (or would delete), and whether it reached the end.</summary>
public sealed record PurgeCount(int Rows, bool Complete);
