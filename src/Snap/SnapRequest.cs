namespace QoinHub.Merchant.Snap;

/// <summary>
/// An incoming SNAP call as the protocol code sees it: no HTTP-framework types, so handlers are
/// testable without a server.
/// </summary>
/// <param name="Method">The HTTP method, upper case.</param>
/// <param name="PathAndQuery">The path as received, with its query string if any.</param>
/// <param name="Headers">Header values by name, case-insensitive; a header sent more than once is listed in <see cref="RepeatedHeaders"/> (its values joined with a comma here).</param>
/// <param name="Body">The raw body bytes (the host reads at most one byte over the configured limit).</param>
public sealed record SnapRequest(
    string Method,
    string PathAndQuery,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>Names of headers that arrived more than once (case-insensitive).</summary>
    public IReadOnlySet<string> RepeatedHeaders { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public bool IsRepeated(string name) => RepeatedHeaders.Contains(name);
}
