using System.Diagnostics;

namespace QoinHub.Merchant.Testing;

/// <summary>How the tests start a command-line tool or script of their own.</summary>
public static class ToolStartInfo
{
    /// <summary>
    /// <paramref name="fileName"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>,
    /// stdout and stderr redirected. The test host runs under <c>dotnet test</c>, which exports MSBuild
    /// variables pointing at its own build; a nested <c>dotnet</c> must find its SDK the normal way, so
    /// those are not passed on.
    /// </summary>
    public static ProcessStartInfo Create(string fileName, IEnumerable<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var name in start.Environment.Keys.Where(key => key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        return start;
    }
}
