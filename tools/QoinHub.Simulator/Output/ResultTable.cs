using QoinHub.Simulator.Conformance;

namespace QoinHub.Simulator.Output;

/// <summary>The conformance table, one row per check as it finishes; failures and skips get their reason below the row.</summary>
public sealed class ResultTable(TextWriter output, int nameWidth)
{
    private const int ResultWidth = 6;
    private const int ExpectedWidth = 20;

    public void WriteHeader()
    {
        output.WriteLine($"{"#",3}  {"check".PadRight(nameWidth)}  {"result".PadRight(ResultWidth)}  {"expected".PadRight(ExpectedWidth)}  actual");
        output.WriteLine(new string('-', 3 + 2 + nameWidth + 2 + ResultWidth + 2 + ExpectedWidth + 2 + 16));
    }

    public void WriteRow(int number, ConformanceCheck check, CheckResult result)
    {
        ArgumentNullException.ThrowIfNull(check);
        ArgumentNullException.ThrowIfNull(result);
        var label = result.Outcome switch
        {
            CheckOutcome.Passed => "pass",
            CheckOutcome.Failed => "FAIL",
            _ => "skip",
        };
        output.WriteLine($"{number,3}  {check.Name.PadRight(nameWidth)}  {label.PadRight(ResultWidth)}  {result.Expected.PadRight(ExpectedWidth)}  {result.Actual}");
        if (result.Outcome != CheckOutcome.Passed && !string.IsNullOrEmpty(result.Detail))
        {
            output.WriteLine($"{string.Empty,5}{check.Description}: {result.Detail}");
        }

        output.Flush();
    }
}
