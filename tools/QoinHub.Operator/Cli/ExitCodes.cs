namespace QoinHub.OperatorTool.Cli;

public static class ExitCodes
{
    /// <summary>Done: found, republished, relayed, purged.</summary>
    public const int Success = 0;

    /// <summary>Nothing matched, or the action was refused (a record held by a live claim).</summary>
    public const int NotFoundOrRefused = 1;

    /// <summary>Nothing was tried: bad options or settings.</summary>
    public const int Usage = 2;

    /// <summary>Table storage or the queue could not be reached or refused the request; the message names the settings to check.</summary>
    public const int Unreachable = 3;
}
