using System.Text.Json;
using QoinHub.Simulator.Output;

namespace QoinHub.Simulator.Conformance;

/// <summary>The machine-readable result of a conformance run (<c>--report</c>).</summary>
public sealed record ConformanceReport(
    string BaseUrl,
    string PartnerId,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt,
    int Passed,
    int Failed,
    int Skipped,
    IReadOnlyList<ConformanceReportCheck> Checks,
    IReadOnlyList<ReportedNotification> Accepted)
{
    public static ConformanceReport Create(
        string baseUrl,
        string partnerId,
        DateTimeOffset startedAt,
        DateTimeOffset finishedAt,
        IReadOnlyList<(ConformanceCheck Check, CheckResult Result)> results,
        IReadOnlyList<SentNotification> accepted)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(accepted);
        return new ConformanceReport(
            baseUrl,
            partnerId,
            startedAt,
            finishedAt,
            results.Count(r => r.Result.Outcome == CheckOutcome.Passed),
            results.Count(r => r.Result.Outcome == CheckOutcome.Failed),
            results.Count(r => r.Result.Outcome == CheckOutcome.Skipped),
            [.. results.Select(r => new ConformanceReportCheck(r.Check.Name, r.Check.Description, r.Result.Outcome, r.Result.Expected, r.Result.Actual, r.Result.Detail))],
            [.. accepted.Select(ReportedNotification.From)]);
    }

    public void WriteTo(string path) =>
        File.WriteAllBytes(Path.GetFullPath(path), JsonSerializer.SerializeToUtf8Bytes(this, ReportJsonContext.Default.ConformanceReport));
}

public sealed record ConformanceReportCheck(string Name, string Description, CheckOutcome Outcome, string Expected, string Actual, string? Detail);
