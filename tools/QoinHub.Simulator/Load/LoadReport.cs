using System.Text.Json;
using QoinHub.Simulator.Output;

namespace QoinHub.Simulator.Load;

/// <summary>The machine-readable result of a load run (<c>--report</c>).</summary>
public sealed record LoadReport(
    string BaseUrl,
    string PartnerId,
    int Concurrency,
    long Requests,
    long Distinct,
    long Duplicates,
    double ElapsedSeconds,
    double RequestsPerSecond,
    LatencySummary LatencyMilliseconds,
    IReadOnlyDictionary<string, long> Answers,
    int TokensObtained,
    IReadOnlyList<ReportedNotification> Accepted)
{
    public void WriteTo(string path) =>
        File.WriteAllBytes(Path.GetFullPath(path), JsonSerializer.SerializeToUtf8Bytes(this, ReportJsonContext.Default.LoadReport));
}
