namespace QoinHub.Simulator.Cli;

public static class ExitCodes
{
    /// <summary>Everything passed (or, for token and notify, the endpoint said yes).</summary>
    public const int Success = 0;

    /// <summary>A check failed, or an answer was not the success code.</summary>
    public const int Failure = 1;

    /// <summary>Nothing was tried: bad options or unusable credentials.</summary>
    public const int Usage = 2;
}
