namespace QoinHub.Merchant.Tokens;

/// <summary>Durable record of issued tokens, keyed by the token's SHA-256.</summary>
public interface ITokenStore
{
    /// <summary>Records a newly issued token. Throws when the record could not be made durable.</summary>
    Task RecordAsync(IssuedToken token, CancellationToken cancellationToken);

    /// <summary>Finds a token by its hash; <see langword="null"/> when we never issued it.</summary>
    Task<IssuedToken?> FindAsync(string tokenHash, CancellationToken cancellationToken);
}
