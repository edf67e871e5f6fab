using System.Collections.Concurrent;

namespace QoinHub.Merchant.Tokens;

/// <summary>
/// The tokens we issued, as the notify handler sees them: looked up in the <see cref="ITokenStore"/>
/// by hash and kept in memory until they expire, so a burst of notifications costs one Table
/// Storage read per token. This is the one place that decides whether a token has expired.
/// Unknown tokens are not cached: they are never valid and must not fill memory.
/// </summary>
public sealed class IssuedTokenCache(ITokenStore store, TimeProvider clock)
{
    private const int MaxCachedTokens = 10_000;
    private readonly ConcurrentDictionary<string, IssuedToken> _cache = new(StringComparer.Ordinal);

    /// <summary>What we know of <paramref name="accessToken"/> now. Throws when the store fails.</summary>
    public async Task<TokenLookup> FindAsync(string accessToken, CancellationToken cancellationToken)
    {
        var hash = AccessTokenGenerator.Hash(accessToken);
        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(hash, out var cached))
        {
            if (cached.ExpiresAt > now)
            {
                return new TokenLookup(TokenState.Valid, cached);
            }

            _cache.TryRemove(hash, out _);
            return new TokenLookup(TokenState.Expired, cached);
        }

        var issued = await store.FindAsync(hash, cancellationToken).ConfigureAwait(false);
        if (issued is null)
        {
            return new TokenLookup(TokenState.Unknown, null);
        }

        if (issued.ExpiresAt <= now)
        {
            return new TokenLookup(TokenState.Expired, issued);
        }

        if (_cache.Count >= MaxCachedTokens)
        {
            Prune(now);
        }

        _cache[hash] = issued;
        return new TokenLookup(TokenState.Valid, issued);
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

public enum TokenState
{
    /// <summary>We never issued it (or its record is gone).</summary>
    Unknown,

    /// <summary>We issued it and it has expired.</summary>
    Expired,

    /// <summary>We issued it and it is valid now.</summary>
    Valid,
}

/// <summary>The answer of <see cref="IssuedTokenCache.FindAsync"/>; <see cref="Token"/> is set unless the token is unknown.</summary>
public sealed record TokenLookup(TokenState State, IssuedToken? Token);
