namespace QoinHub.OperatorTool.Cli;

/// <summary>
/// Where a run reads its settings and writes: the process's console and environment, or (for tests,
/// which run the tool in-process side by side) writers and an environment of their own.
/// </summary>
/// <param name="Environment">Environment variables as the app reads them (<c>Storage__ConnectionString</c>, …); <see langword="null"/> for the process's own.</param>
public sealed record OperatorConsole(TextWriter Out, TextWriter Error, TimeProvider Clock, IReadOnlyDictionary<string, string?>? Environment = null)
{
    public static OperatorConsole FromProcess() => new(Console.Out, Console.Error, TimeProvider.System);
}
