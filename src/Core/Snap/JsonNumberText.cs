using System.Globalization;

namespace QoinHub.Merchant.Snap;

/// <summary>
/// How each encoder writes a JSON number it has parsed. Integer literals stay as sent (PHP and
/// Python keep integers; JavaScript only changes them beyond 2^53, which SNAP amounts, sent as
/// strings, never reach). Other numbers become doubles and are written in the shortest form that
/// round-trips, with each language's rules for exponents and trailing ".0".
/// </summary>
internal static class JsonNumberText
{
    public static string Format(string raw, JsonStyle style)
    {
        if (IsIntegerLiteral(raw))
        {
            return raw;
        }

        var value = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value))
        {
            return raw;
        }

        if (value == 0)
        {
            return style switch
            {
                JsonStyle.JavaScript => "0",
                JsonStyle.Php => double.IsNegative(value) ? "-0" : "0",
                _ => double.IsNegative(value) ? "-0.0" : "0.0",
            };
        }

        var (negative, digits, pointPosition) = ShortestDigits(value);
        var sign = negative ? "-" : string.Empty;
        return style switch
        {
            JsonStyle.JavaScript => sign + JavaScript(digits, pointPosition),
            JsonStyle.Php => sign + Php(digits, pointPosition),
            _ => sign + Python(digits, pointPosition),
        };
    }

    private static bool IsIntegerLiteral(string raw)
    {
        foreach (var c in raw)
        {
            if (c is '.' or 'e' or 'E')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Decimal digits of the shortest round-trip form and where the decimal point goes (value = 0.digits × 10^point).</summary>
    private static (bool Negative, string Digits, int PointPosition) ShortestDigits(double value)
    {
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        var mantissa = shortest;
        if (e >= 0)
        {
            exponent = int.Parse(shortest.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            mantissa = shortest[..e];
        }

        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = dot >= 0 ? mantissa[..dot] : mantissa;
        var fractionPart = dot >= 0 ? mantissa[(dot + 1)..] : string.Empty;
        var allDigits = integerPart + fractionPart;
        var point = integerPart.Length + exponent;
        var leadingZeros = allDigits.Length - allDigits.TrimStart('0').Length;
        allDigits = allDigits.TrimStart('0');
        point -= leadingZeros;
        allDigits = allDigits.TrimEnd('0');
        return (value < 0, allDigits, point);
    }

    // ECMAScript Number::toString.
    private static string JavaScript(string digits, int n)
    {
        var k = digits.Length;
        if (k <= n && n <= 21)
        {
            return digits + new string('0', n - k);
        }

        if (0 < n && n <= 21)
        {
            return digits[..n] + "." + digits[n..];
        }

        if (-6 < n && n <= 0)
        {
            return "0." + new string('0', -n) + digits;
        }

        var exponent = n - 1;
        var mantissa = k == 1 ? digits : digits[..1] + "." + digits[1..];
        return mantissa + "e" + (exponent >= 0 ? "+" : "-") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
    }

    // PHP json_encode with serialize_precision = -1 (zend_gcvt, precision 17, no forced ".0").
    private static string Php(string digits, int n)
    {
        if (n < -3 || n > 17)
        {
            var exponent = n - 1;
            var mantissa = digits[..1] + "." + (digits.Length > 1 ? digits[1..] : "0");
            return mantissa + "e" + (exponent >= 0 ? "+" : "-") + Math.Abs(exponent).ToString(CultureInfo.InvariantCulture);
        }

        return Positional(digits, n, forceFraction: false);
    }

    // Python float repr: exponent when the decimal exponent is < -4 or >= 16, two-digit exponent, always a fraction.
    private static string Python(string digits, int n)
    {
        if (n < -3 || n > 16)
        {
            var exponent = n - 1;
            var mantissa = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
            return mantissa + "e" + (exponent >= 0 ? "+" : "-") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        }

        return Positional(digits, n, forceFraction: true);
    }

    private static string Positional(string digits, int n, bool forceFraction)
    {
        var k = digits.Length;
        if (n <= 0)
        {
            return "0." + new string('0', -n) + digits;
        }

        if (k <= n)
        {
            return digits + new string('0', n - k) + (forceFraction ? ".0" : string.Empty);
        }

        return digits[..n] + "." + digits[n..];
    }
}
