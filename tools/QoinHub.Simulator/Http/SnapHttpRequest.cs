namespace QoinHub.Simulator.Http;

/// <summary>
/// A request exactly as it goes on the wire: the path below the base URL's host, headers in order
/// (Content-Type included, absent when not listed) and the body bytes. Conformance checks derive
/// broken requests from a correctly signed one with the <c>With…</c> methods.
/// </summary>
public sealed record SnapHttpRequest(string Path, IReadOnlyList<KeyValuePair<string, string>> Headers, ReadOnlyMemory<byte> Body)
{
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Replaces the header's value in place, or appends it.</summary>
    public SnapHttpRequest WithHeader(string name, string value)
    {
        var headers = Headers.ToList();
        var index = headers.FindIndex(header => string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            headers[index] = new(headers[index].Key, value);
        }
        else
        {
            headers.Add(new(name, value));
        }

        return this with { Headers = headers };
    }

    public SnapHttpRequest WithoutHeader(string name) =>
        this with { Headers = Headers.Where(header => !string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase)).ToList() };

    public SnapHttpRequest WithBody(ReadOnlyMemory<byte> body) => this with { Body = body };
}
