namespace QoinHub.Simulator.Credentials;

/// <summary>Credentials that cannot be read or used; the message says what to pass instead.</summary>
public sealed class CredentialsException : Exception
{
    public CredentialsException()
    {
    }

    public CredentialsException(string message)
        : base(message)
    {
    }

    public CredentialsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
