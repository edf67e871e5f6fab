using System.Globalization;
using System.Security.Cryptography;

namespace QoinHub.Simulator.Protocol;

/// <summary>
/// Numeric <c>X-EXTERNAL-ID</c>s unique across runs: the run's Jakarta start time to the second,
/// six random digits, then a counter (26 digits, within SNAP's 36).
/// </summary>
public sealed class ExternalIdGenerator(TimeProvider clock)
{
    private readonly string _prefix =
        SnapTime.FormatJakarta(clock.GetUtcNow(), "yyMMddHHmmss") +
        RandomNumberGenerator.GetInt32(1_000_000).ToString("D6", CultureInfo.InvariantCulture);

    private long _next;

    public string Next() => _prefix + Interlocked.Increment(ref _next).ToString("D8", CultureInfo.InvariantCulture);
}
