using System.Text;
using System.Text.RegularExpressions;

namespace QoinHub.Merchant.Tests.Fuzz;

/// <summary>Seeded mutations of header values and bodies: what a broken sender or an attacker produces.</summary>
internal sealed partial class Mutator(int seed)
{
    private static readonly string[] Nasty =
    [
        string.Empty, " ", "\u0000", "\u001b[31m", "\t", "\"", "'", ",", ";", "\\", "%00", "../../", "<script>", "\u00e9", "\ud83d\ude00", "\u202e",
        "9223372036854775807", "-1", "1e309", "NaN", "null", "true", "{}", "[]", "Bearer", "Bearer ", "bearer x", new string('A', 300), new string('9', 5000),
    ];

    private readonly Random _random = new(seed);

    [GeneratedRegex("\"(?<name>[A-Za-z]+)\":(?<value>\"[^\"\\\\]*\"|\\{\\}|[0-9.]+)", RegexOptions.CultureInvariant)]
    private static partial Regex Members();

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

    /// <summary>A body: bytes damaged, JSON reshaped, strings and numbers changed, a key sent twice, or something else entirely.</summary>
    public byte[] MutateBody(string body) => Next(14) switch
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
        12 or 13 => Encoding.UTF8.GetBytes(DuplicateKey(body)),
        _ => Encoding.UTF8.GetBytes(body + body),
    };

    /// <summary>One member of the body sent again in its object, with the same value, another one, or its name escaped.</summary>
    public string DuplicateKey(string body)
    {
        var members = Members().Matches(body);
        if (members.Count == 0)
        {
            return body + body;
        }

        var member = members[Next(members.Count)];
        var name = member.Groups["name"].Value;
        var copy = Next(3) switch
        {
            0 => member.Value,
            1 => $"\"{name}\":{Pick(["\"00\"", "\"03\"", "\"password\"", "1", "{}", "null"])}",
            _ => $"\"\\u{(int)name[0]:x4}{name[1..]}\":{member.Groups["value"].Value}",
        };
        return body.Insert(member.Index + member.Length, "," + copy);
    }

    /// <summary>A chunked framing no sender may use: a chunk size that overflows, is not hex, or does not match the chunk.</summary>
    public string BrokenChunkSize() => Pick(["80000000", "ffffffff", "fffffffff", "7fffffffffffffff", "-1", "zz", "0x10", " 10", "1"]);

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
