using System.Text;

namespace QoinHub.Merchant.Tests.Fuzz;

/// <summary>Seeded mutations of header values and bodies: what a broken sender or an attacker produces.</summary>
internal sealed class Mutator(int seed)
{
    private static readonly string[] Nasty =
    [
        string.Empty, " ", "\u0000", "\u001b[31m", "\t", "\"", "'", ",", ";", "\\", "%00", "../../", "<script>", "\u00e9", "\ud83d\ude00", "\u202e",
        "9223372036854775807", "-1", "1e309", "NaN", "null", "true", "{}", "[]", "Bearer", "Bearer ", "bearer x", new string('A', 300), new string('9', 5000),
    ];

    private readonly Random _random = new(seed);

    public int Next(int max) => _random.Next(max);

    public bool Chance(double p) => _random.NextDouble() < p;

    public T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A header value: something nasty, the value damaged, or the value doubled.</summary>
    public string MutateText(string value) => Next(6) switch
    {
        0 => Pick(Nasty),
        1 => value.Length == 0 ? "x" : Cut(value),
        2 => value.Insert(Next(value.Length + 1), Pick(Nasty)),
        3 => value + "," + value,
        4 => FlipChar(value),
        _ => value.ToUpperInvariant(),
    };

    /// <summary>A body: bytes damaged, JSON reshaped, strings and numbers changed, or something else entirely.</summary>
    public byte[] MutateBody(string body) => Next(12) switch
    {
        0 => Encoding.UTF8.GetBytes(Pick(Nasty)),
        1 => Encoding.UTF8.GetBytes(Cut(body)),
        2 => Encoding.UTF8.GetBytes(body.Insert(Next(body.Length + 1), Pick(Nasty))),
        3 => Encoding.UTF8.GetBytes(FlipChar(body)),
        4 => Encoding.UTF8.GetBytes(body.Replace("\"00\"", "\"0" + Next(10) + "\"", StringComparison.Ordinal).Replace("Success", "Succ\\ud800ess", StringComparison.Ordinal)),
        5 => Encoding.UTF8.GetBytes(new string('[', 2000) + new string(']', 2000)),
        6 => InvalidUtf8(body),
        7 => Encoding.UTF8.GetBytes(body.Replace("{}", "{\"amount\":" + Pick(["1.5", "1.50", "-0", "1e2", "9007199254740993"]) + "}", StringComparison.Ordinal)),
        8 => Encoding.UTF8.GetBytes(body.Replace(":", ": ", StringComparison.Ordinal).Replace(",", ",\n  ", StringComparison.Ordinal)),
        9 => Encoding.UTF8.GetBytes(body.Replace("\"", "'", StringComparison.Ordinal)),
        10 => Encoding.UTF8.GetBytes(body[..Next(body.Length + 1)]),
        _ => Encoding.UTF8.GetBytes(body + body),
    };

    private string Cut(string value)
    {
        if (value.Length == 0)
        {
            return value;
        }

        var start = Next(value.Length);
        return value.Remove(start, 1 + Next(Math.Min(5, value.Length - start)));
    }

    private string FlipChar(string value)
    {
        if (value.Length == 0)
        {
            return "\u0001";
        }

        var chars = value.ToCharArray();
        var i = Next(chars.Length);
        chars[i] = (char)(chars[i] ^ (1 << Next(7)));
        return new string(chars);
    }

    private byte[] InvalidUtf8(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body).ToList();
        bytes.Insert(Next(bytes.Count), Pick<byte>([0xC0, 0xFF, 0xED, 0x80]));
        return [.. bytes];
    }
}
