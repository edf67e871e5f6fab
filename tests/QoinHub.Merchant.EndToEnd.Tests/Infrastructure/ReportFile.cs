using System.Text.Json;

namespace QoinHub.Merchant.EndToEnd.Tests.Infrastructure;

/// <summary>Reads the simulator's <c>--report</c> JSON without sharing its types (the file is the contract).</summary>
internal static class ReportFile
{
    public static JsonElement Read(string path)
    {
        Assert.True(File.Exists(path), $"The simulator wrote no report at {path}.");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.Clone();
    }

    public static IReadOnlyList<(string Name, string Outcome, string Detail)> Checks(JsonElement report) =>
        [.. report.GetProperty("checks").EnumerateArray().Select(check => (
            check.GetProperty("name").GetString()!,
            check.GetProperty("outcome").GetString()!,
            $"{check.GetProperty("expected").GetString()} → {check.GetProperty("actual").GetString()}: {check.GetProperty("detail").GetString()}"))];

    public static IReadOnlyList<(string PartnerId, string ExternalId)> Accepted(JsonElement report) =>
        [.. report.GetProperty("accepted").EnumerateArray().Select(IdsOf)];

    /// <summary>Partner and external id of a report entry or a queue envelope.</summary>
    public static (string PartnerId, string ExternalId) IdsOf(JsonElement element) =>
        (element.GetProperty("partnerId").GetString()!, element.GetProperty("externalId").GetString()!);
}
