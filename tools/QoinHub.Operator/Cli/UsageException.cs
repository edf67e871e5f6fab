namespace QoinHub.OperatorTool.Cli;

/// <summary>The command line or a setting asks for something that cannot run; the message says what to change (never a secret).</summary>
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
