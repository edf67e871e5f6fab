using System.Collections.Concurrent;

namespace QoinHub.Merchant.Tokens;

/// <summary>
/// Finds the record of a bearer token we issued. Tokens found in the store are kept in memory
/// until they expire, so a burst of notifications costs one Table Storage read per token.
/// Unknown tokens are not cached: they are never valid and must not fill memory.
/// </summary>
public sealed class TokenValidator(ITokenStore store, TimeProvider clock)
{
    private const int MaxCachedTokens = 10_000;
    private readonly ConcurrentDictionary<string, IssuedToken> _cache = new(StringComparer.Ordinal);

    /// <summary>The token's record, or <see langword="null"/> when we never issued it. Throws when the store fails.</summary>
    public async Task<IssuedToken?> FindAsync(string accessToken, CancellationToken cancellationToken)
    {
        var hash = AccessTokenGenerator.Hash(accessToken);
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached))
        {
            if (cached.ExpiresAt > now)
            {
                return cached;
            }

            _cache.TryRemove(hash, out _);
        }

        var issued = await store.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        if (issued is not null && issued.ExpiresAt > now)
        {
            if (_cache.Count >= MaxCachedTokens)
            {
                Prune(now);
            }

            _cache[hash] = issued;
        }

        return issued;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (hash, token) in _cache)
        {
            if (token.ExpiresAt <= now)
            {
                _cache.TryRemove(hash, out _);
            }
        }

        if (_cache.Count >= MaxCachedTokens)
        {
            _cache.Clear();
        }
    }
}
