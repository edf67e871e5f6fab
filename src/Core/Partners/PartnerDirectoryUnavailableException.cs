namespace QoinHub.Merchant.Partners;

/// <summary>The credential source (Key Vault) could not be read and nothing good is cached.</summary>
public sealed class PartnerDirectoryUnavailableException : Exception
{
    public PartnerDirectoryUnavailableException()
    {
    }

    public PartnerDirectoryUnavailableException(string message)
        : base(message)
    {
    }

    public PartnerDirectoryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
