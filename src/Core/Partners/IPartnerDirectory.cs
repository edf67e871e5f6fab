namespace QoinHub.Merchant.Partners;

/// <summary>Looks up a partner's credentials by client id.</summary>
public interface IPartnerDirectory
{
    /// <summary>
    /// Returns the partner's credentials, or <see langword="null"/> when the client id is not registered.
    /// Throws <see cref="PartnerDirectoryUnavailableException"/> when the source cannot be read and no
    /// earlier good value is cached, so that the caller answers 5xx and QoinHub retries.
    /// </summary>
    ValueTask<PartnerCredentials?> FindAsync(string clientId, CancellationToken cancellationToken);
}
