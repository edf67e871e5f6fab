using QoinHub.Simulator.Http;

namespace QoinHub.Simulator.Conformance;

public enum CheckOutcome
{
    Passed,
    Failed,
    Skipped,
}

/// <summary>One row of the table: what was expected, what came back, and why it failed or was skipped.</summary>
public sealed record CheckResult(CheckOutcome Outcome, string Expected, string Actual, string? Detail)
{
    public static CheckResult Skipped(string expected, string reason) => new(CheckOutcome.Skipped, expected, "-", reason);

    public static CheckResult Failed(string expected, string actual, string reason) => new(CheckOutcome.Failed, expected, actual, reason);
}

/// <summary>
/// The answer a check expects: the HTTP status and the SNAP <c>responseCode</c>, or
/// <paramref name="AlternativeCode"/> where the contract gives two codes for the same request.
/// </summary>
public sealed record SnapExpectation(int Status, string ResponseCode, string? AlternativeCode = null)
{
    public bool IsMetBy(SnapHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.Is(Status, ResponseCode) || (AlternativeCode is not null && response.Is(Status, AlternativeCode));
    }

    public override string ToString() => AlternativeCode is null ? $"{Status} {ResponseCode}" : $"{Status} {ResponseCode}|{AlternativeCode}";
}

/// <summary>A named check; <see cref="RunAsync"/> sends what it needs and judges the answer.</summary>
public sealed record ConformanceCheck(string Name, string Description, Func<ConformanceContext, CancellationToken, Task<CheckResult>> RunAsync);
