namespace QoinHub.Merchant.Snap;

/// <summary>
/// Removes JSON formatting whitespace (space, tab, CR, LF) outside string literals, byte for byte.
/// Whitespace inside strings is data and is kept: stripping it is a known bug of other SNAP SDKs.
/// </summary>
public static class JsonMinifier
{
    public static byte[] Minify(ReadOnlySpan<byte> json)
    {
        var output = new byte[json.Length];
        var length = 0;
        var inString = false;
        var escaped = false;
        foreach (var b in json)
        {
            if (inString)
            {
                if (escaped)
                {
                    escaped = false;
                }
                else if (b == (byte)'\\')
                {
                    escaped = true;
                }
                else if (b == (byte)'"')
                {
                    inString = false;
                }
            }
            else if (b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
            {
                continue;
            }
            else if (b == (byte)'"')
            {
                inString = true;
            }

            output[length++] = b;
        }

        return length == output.Length ? output : output[..length];
    }
}
