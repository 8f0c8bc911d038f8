namespace TypedKafka.Columns;

/// <summary>Parses the numbers producers write most, faster than the general parser, to the same value.</summary>
internal static class JsonNumbers
{
    // Every power of ten up to 1e22 is exact as a double.
    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>
    /// A JSON number with at most 15 significant digits and a decimal exponent within 22 of them,
    /// such as 134.26 or 52276: false for any other text, which the general parser then reads.
    /// Within those bounds the digits and the power of ten are both exact doubles, so one
    /// multiplication or division rounds once, correctly, to the double the general parser gives
    /// (Clinger's fast path; it needs IEEE 754 double arithmetic, rounding to nearest, which .NET's
    /// JIT uses on its 64-bit platforms).
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> text, out double value)
    {
        value = 0;
        var at = 0;
        var negative = text.Length > 0 && text[0] == '-';
        at += negative ? 1 : 0;
        ulong digits = 0;
        var significant = 0;
        var scale = 0;
        var integerDigits = 0;
        for (; at < text.Length && IsDigit(text[at]); at++, integerDigits++)
        {
            Accumulate(ref digits, ref significant, text[at]);
        }

        if (integerDigits == 0)
        {
            return false;
        }

        if (at < text.Length && text[at] == '.')
        {
            var fractionStart = ++at;
            for (; at < text.Length && IsDigit(text[at]); at++)
            {
                Accumulate(ref digits, ref significant, text[at]);
            }

            scale = at - fractionStart;
            if (scale == 0)
            {
                return false;
            }
        }

        var exponent = 0;
        if (at < text.Length && text[at] is (byte)'e' or (byte)'E')
        {
            at++;
            var exponentNegative = at < text.Length && text[at] == '-';
            at += at < text.Length && text[at] is (byte)'+' or (byte)'-' ? 1 : 0;
            var exponentStart = at;
            for (; at < text.Length && IsDigit(text[at]) && at - exponentStart < 4; at++)
            {
                exponent = (exponent * 10) + (text[at] - '0');
            }

            if (at == exponentStart)
            {
                return false;
            }

            exponent = exponentNegative ? -exponent : exponent;
        }

        var power = exponent - scale;
        if (at != text.Length || significant > 15 || power is < -22 or > 22)
        {
            return false;
        }

        var magnitude = power >= 0 ? digits * PowersOfTen[power] : digits / PowersOfTen[-power];
        value = negative ? -magnitude : magnitude;
        return true;
    }

    // Leading zeros are not significant; more than 15 digits are counted but no longer kept.
    private static void Accumulate(ref ulong digits, ref int significant, byte c)
    {
        if (significant > 0 || c != '0')
        {
            significant++;
            digits = significant <= 15 ? (digits * 10) + (ulong)(c - '0') : digits;
        }
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;
}
