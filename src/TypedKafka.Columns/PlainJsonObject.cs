namespace TypedKafka.Columns;

/// <summary>What <see cref="PlainJsonObject"/> found as a member's value.</summary>
internal enum PlainJsonValue
{
    String,
    Number,
    True,
    False,
}

/// <summary>
/// Reads a JSON object laid out as producers write one — every member, in declaration order, each
/// value a string without escapes, a number, true, false or null — from its bytes into the columns
/// without <see cref="System.Text.Json.Utf8JsonReader"/>: walking the tokens with the reader took
/// about half the decoder's time. Anything else (another order, a missing or unknown member, an
/// escape, a value a column would reject, malformed JSON) is not read here: the caller reads the
/// payload again with the reader, which reads or rejects it as it always has. Since this path
/// accepts only JSON that the reader reads to the same row, it reports no errors of its own.
/// </summary>
internal sealed class PlainJsonObject
{
    // Each member's name as it appears in the payload, quotes included.
    private readonly byte[][] _names;
    private readonly ArrowColumn[] _columns;

    private PlainJsonObject(byte[][] names, ArrowColumn[] columns)
    {
        _names = names;
        _columns = columns;
    }

    /// <summary>Stands for "no such reader" where null means "not made yet".</summary>
    public static PlainJsonObject None { get; } = new([], []);

    /// <summary>The reader for <paramref name="columns"/>, or null when one of its members is not a plain JSON scalar (or comes from a header).</summary>
    public static PlainJsonObject? For(MessageColumns columns)
    {
        var payloadNames = columns.PayloadNames;
        var count = columns.Columns.Count;
        if (columns.Format != KafkaFormat.Json || columns.ReadsHeaders || count == 0)
        {
            return null;
        }

        var names = new byte[count][];
        for (var i = 0; i < count; i++)
        {
            var name = payloadNames is null ? columns.Fields[i].Name : payloadNames[i];

            // A name that needs escaping in JSON never appears as these bytes in a well-formed payload.
            if (name is null || !columns.Columns[i].ReadsPlainValues || name.Any(c => c is '"' or '\\' or < ' '))
            {
                return null;
            }

            names[i] = System.Text.Encoding.UTF8.GetBytes($"\"{name}\"");
        }

        return new PlainJsonObject(names, [.. columns.Columns]);
    }

    /// <summary>
    /// Appends one value to every column from <paramref name="json"/>, a whole payload; false when
    /// it is not laid out plainly, and then some columns may hold a value of the row (the caller truncates).
    /// </summary>
    public bool TryRead(ReadOnlySpan<byte> json)
    {
        var at = 0;
        if (!TryExpect(json, ref at, (byte)'{'))
        {
            return false;
        }

        for (var member = 0; member < _names.Length; member++)
        {
            if ((member > 0 && !TryExpect(json, ref at, (byte)',')) || !TryName(json, ref at, _names[member]))
            {
                return false;
            }

            at = SkipWhitespace(json, at);
            if (at == json.Length || !TryAppendValue(_columns[member], json, ref at))
            {
                return false;
            }
        }

        // Only whitespace may follow the object, as when the reader reads it.
        return TryExpect(json, ref at, (byte)'}') && SkipWhitespace(json, at) == json.Length;
    }

    /// <summary>Moves past <paramref name="token"/>, and any whitespace before it.</summary>
    private static bool TryExpect(ReadOnlySpan<byte> json, ref int at, byte token)
    {
        at = SkipWhitespace(json, at);
        if (at == json.Length || json[at] != token)
        {
            return false;
        }

        at++;
        return true;
    }

    /// <summary>Moves past the member name (quoted) and its colon, and any whitespace before either.</summary>
    private static bool TryName(ReadOnlySpan<byte> json, ref int at, byte[] name)
    {
        at = SkipWhitespace(json, at);
        if (!json[at..].StartsWith(name))
        {
            return false;
        }

        at += name.Length;
        return TryExpect(json, ref at, (byte)':');
    }

    /// <summary>Appends the value at <paramref name="at"/> and moves past it; a delimiter check after it is the caller's.</summary>
    private static bool TryAppendValue(ArrowColumn column, ReadOnlySpan<byte> json, ref int at)
    {
        var rest = json[at..];
        switch (rest[0])
        {
            case (byte)'"':
                var length = rest[1..].IndexOfAny((byte)'"', (byte)'\\');
                if (length < 0 || rest[1 + length] != '"')
                {
                    return false;
                }

                var text = rest.Slice(1, length);
                if (text.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 || !column.TryAppendPlain(PlainJsonValue.String, text))
                {
                    return false;
                }

                at += length + 2;
                return true;
            case (byte)'t':
                return TryLiteral(rest, "true"u8, ref at) && column.TryAppendPlain(PlainJsonValue.True, default);
            case (byte)'f':
                return TryLiteral(rest, "false"u8, ref at) && column.TryAppendPlain(PlainJsonValue.False, default);
            case (byte)'n':
                if (!column.IsNullable || !TryLiteral(rest, "null"u8, ref at))
                {
                    return false;
                }

                column.AppendNull();
                return true;
            default:
                var number = NumberLength(rest);
                if (number == 0 || !column.TryAppendPlain(PlainJsonValue.Number, rest[..number]))
                {
                    return false;
                }

                at += number;
                return true;
        }
    }

    private static bool TryLiteral(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> literal, ref int at)
    {
        if (!rest.StartsWith(literal))
        {
            return false;
        }

        at += literal.Length;
        return true;
    }

    /// <summary>The length of the JSON number that <paramref name="text"/> starts with (RFC 8259's grammar), 0 when it starts with none.</summary>
    private static int NumberLength(ReadOnlySpan<byte> text)
    {
        var at = text[0] == '-' ? 1 : 0;
        if (at == text.Length || !IsDigit(text[at]))
        {
            return 0;
        }

        // No leading zeros: after a 0 the integer part ends.
        at = text[at] == '0' ? at + 1 : Digits(text, at);
        if (at < text.Length && text[at] == '.')
        {
            var fraction = Digits(text, at + 1);
            if (fraction == at + 1)
            {
                return 0;
            }

            at = fraction;
        }

        if (at < text.Length && text[at] is (byte)'e' or (byte)'E')
        {
            var sign = at + 1 < text.Length && text[at + 1] is (byte)'+' or (byte)'-' ? at + 2 : at + 1;
            var exponent = Digits(text, sign);
            if (exponent == sign)
            {
                return 0;
            }

            at = exponent;
        }

        return at;
    }

    private static int Digits(ReadOnlySpan<byte> text, int at)
    {
        while (at < text.Length && IsDigit(text[at]))
        {
            at++;
        }

        return at;
    }

    private static bool IsDigit(byte c) => (uint)(c - '0') <= 9;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int SkipWhitespace(ReadOnlySpan<byte> json, int at)
    {
        // Compact JSON has none: the common case is one comparison.
        while (at < json.Length && json[at] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            at++;
        }

        return at;
    }
}
