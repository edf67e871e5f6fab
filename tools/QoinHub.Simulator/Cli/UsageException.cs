namespace QoinHub.Simulator.Cli;

/// <summary>The command line asks for something that cannot run; the message says what to change.</summary>
public sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
