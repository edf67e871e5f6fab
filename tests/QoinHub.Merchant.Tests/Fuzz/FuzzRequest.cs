using System.Net.Http.Headers;

namespace QoinHub.Merchant.Tests.Fuzz;

/// <summary>A request as the fuzzer builds it: header name → values (several = sent several times), and body bytes.</summary>
internal sealed class FuzzRequest(string path, byte[] body)
{
    public int Index { get; init; }

    public string Path { get; } = path;

    public byte[] Body { get; private set; } = body;

    public Dictionary<string, List<string>> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How the body is framed on the wire.</summary>
    public BodyFraming Framing { get; private set; }

    /// <summary>The size of each chunk when the body is sent chunked.</summary>
    public int ChunkSize { get; private set; } = 1;

    /// <summary>The chunk-size line sent instead of the first one, when the framing is broken.</summary>
    public string BrokenChunkSize { get; private set; } = string.Empty;

    /// <summary>The header's value when it is sent exactly once.</summary>
    public string? Single(string name) => Headers.TryGetValue(name, out var values) && values.Count == 1 ? values[0] : null;

    /// <summary>Leaves the request intact now and then (so valid ones are sent too), else applies one to three mutations.</summary>
    public void Mutate(Mutator mutator)
    {
        if (mutator.Chance(0.15))
        {
            return;
        }

        for (var n = 1 + mutator.Next(3); n > 0; n--)
        {
            var names = Headers.Keys.ToList();
            switch (mutator.Next(7))
            {
                case 5:
                    Framing = mutator.Chance(0.6) ? BodyFraming.Chunked : BodyFraming.BrokenChunks;
                    ChunkSize = 1 + mutator.Next(Math.Max(1, Body.Length));
                    BrokenChunkSize = mutator.BrokenChunkSize();
                    break;
                case 0:
                    Headers.Remove(mutator.Pick(names));
                    break;
                case 1:
                    var doubled = mutator.Pick(names);
                    Headers[doubled].Add(Headers[doubled].FirstOrDefault() ?? "x");
                    break;
                case 2:
                case 3:
                    var changed = mutator.Pick(names);
                    Headers[changed] = [mutator.MutateText(Headers[changed].FirstOrDefault() ?? string.Empty)];
                    break;
                default:
                    Body = mutator.MutateBody(System.Text.Encoding.UTF8.GetString(Body));
                    break;
            }
        }
    }

    /// <summary>The request as text for a failure message, control characters escaped.</summary>
    public string Describe() =>
        string.Join(" | ", Headers.Select(h => h.Key + ": " + string.Join(" ; ", h.Value)))
        + $" | {Framing}" + (Framing == BodyFraming.BrokenChunks ? $" ({BrokenChunkSize})" : string.Empty)
        + " | body: " + System.Text.Encoding.UTF8.GetString(Body);

    /// <summary>The HTTP request, or null when a mutated header cannot be put on the wire at all (CR/LF).</summary>
    public HttpRequestMessage? ToHttpRequest()
    {
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(Path, UriKind.Relative))
        {
            Content = Framing == BodyFraming.Chunked ? new ChunkedContent(Body, ChunkSize) : new ByteArrayContent(Body),
        };
        foreach (var (name, values) in Headers)
        {
            foreach (var value in values)
            {
                var added = name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)
                    ? message.Content.Headers.TryAddWithoutValidation(name, value)
                    : message.Headers.TryAddWithoutValidation(name, value);
                if (!added || value.Contains('\r', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal))
                {
                    message.Dispose();
                    return null;
                }
            }
        }

        // HttpClient re-writes some values it can parse (an Authorization of "Bearer\t x" goes out as
        // "Bearer x"): the oracle judges what is actually sent.
        foreach (var name in Headers.Keys.ToList())
        {
            var sent = name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) ? message.Content.Headers.TryGetValues(name, out var c) ? c : null
                : message.Headers.TryGetValues(name, out var h) ? h : null;
            if (sent is not null)
            {
                Headers[name] = [.. sent];
            }
        }

        return message;
    }
}

/// <summary>How a fuzzed body is framed: its length declared, chunked honestly, or chunked with a chunk-size line no sender may write.</summary>
internal enum BodyFraming
{
    ContentLength,
    Chunked,
    BrokenChunks,
}

/// <summary>A body of unknown length (so HttpClient sends it chunked), written in pieces of the given size.</summary>
internal sealed class ChunkedContent(byte[] body, int pieceSize) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
    {
        for (var offset = 0; offset < body.Length; offset += pieceSize)
        {
            await stream.WriteAsync(body.AsMemory(offset, Math.Min(pieceSize, body.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
