using System.Buffers.Text;
using System.ComponentModel;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Memory;
using Apache.Arrow.Types;

namespace TypedKafka.Columns;

/// <summary>A column of fixed-width values: a validity bitmap and one buffer of <typeparamref name="T"/>.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class FixedWidthColumn<T> : ArrowColumn
    where T : unmanaged
{
    private GrowableBuffer<T> _values = new(256);

    private protected FixedWidthColumn(IArrowType type, bool nullable)
        : base(type, nullable)
    {
    }

    /// <inheritdoc/>
    public override void AppendNull()
    {
        _values.Add(default);
        _validity.AppendNull();
    }

    /// <inheritdoc/>
    public override void Truncate(int length)
    {
        _values.Truncate(length);
        _validity.Truncate(length);
    }

    /// <summary>Appends <paramref name="value"/> as the next row.</summary>
    public void AppendValue(T value) => Append(value);

    /// <summary>The value of row <paramref name="row"/> since the last build; false when it is null.</summary>
    internal bool TryGetValue(int row, out T value)
    {
        value = _values[row];
        return _validity.IsValid(row);
    }

    private protected void Append(T value)
    {
        _values.Add(value);
        _validity.AppendValid();
    }

    internal override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var values = _values.ToArrow(length);
        var validity = _validity.Build();
        _values.Clear();
        return new ArrayData(Type, length, nulls, 0, [validity, values]);
    }
}

/// <summary>An integer or floating-point column: int8 to uint64, float, double.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class NumberColumn<T> : FixedWidthColumn<T>
    where T : unmanaged, INumber<T>
{
    private static readonly bool IsFloatingPoint = typeof(T) == typeof(float) || typeof(T) == typeof(double);

    /// <param name="nullable">Whether JSON null is accepted.</param>
    public NumberColumn(bool nullable)
        : base(ArrowType, nullable)
    {
    }

    internal static IArrowType ArrowType { get; } = ArrowTypeOf();

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            // A number token is never escaped and, read from one span, never split.
            var text = reader.ValueSpan;
            if (TryParse(text, out var number))
            {
                Append(number);
                error = default;
                return true;
            }

            error = NumberError(text);
            return false;
        }

        if (IsFloatingPoint && reader.TokenType == JsonTokenType.String && TryNamedLiteral(ref reader, out var literal))
        {
            Append(literal);
            error = default;
            return true;
        }

        error = DecodeError.Expected(IsFloatingPoint ? "a number" : "an integer", ref reader);
        return false;
    }

    internal override bool ReadsPlainValues => true;

    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind != PlainJsonValue.Number || !TryParse(text, out var number))
        {
            return false;
        }

        Append(number);
        return true;
    }

    /// <summary>The value of a JSON number's text, when the column's type holds it (finite, in range, an integer for integer types).</summary>
    private static bool TryParse(ReadOnlySpan<byte> text, out T value)
    {
        if (typeof(T) == typeof(double) && JsonNumbers.TryParseDouble(text, out var real))
        {
            value = Unsafe.As<double, T>(ref real);
            return true;
        }

        return IsFloatingPoint
            ? T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && T.IsFinite(value)
            : T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
    }

    private static DecodeError NumberError(ReadOnlySpan<byte> text)
    {
        var number = System.Text.Encoding.UTF8.GetString(text);
        if (!IsFloatingPoint && text.IndexOfAny(".eE"u8) >= 0)
        {
            return DecodeError.Create($"expected an integer, got the number {number}");
        }

        return DecodeError.Create($"overflow: {number} is out of range for {typeof(T).Name}");
    }

    // NaN and the infinities, as System.Text.Json writes them with AllowNamedFloatingPointLiterals.
    private static bool TryNamedLiteral(ref Utf8JsonReader reader, out T value)
    {
        var text = reader.ValueSpan;
        if (text.SequenceEqual("NaN"u8))
        {
            value = T.CreateChecked(double.NaN);
            return true;
        }

        if (text.SequenceEqual("Infinity"u8))
        {
            value = T.CreateChecked(double.PositiveInfinity);
            return true;
        }

        if (text.SequenceEqual("-Infinity"u8))
        {
            value = T.CreateChecked(double.NegativeInfinity);
            return true;
        }

        value = default;
        return false;
    }

    private static IArrowType ArrowTypeOf() => default(T) switch
    {
        sbyte => Int8Type.Default,
        byte => UInt8Type.Default,
        short => Int16Type.Default,
        ushort => UInt16Type.Default,
        int => Int32Type.Default,
        uint => UInt32Type.Default,
        long => Int64Type.Default,
        ulong => UInt64Type.Default,
        float => FloatType.Default,
        double => DoubleType.Default,
        _ => throw new NotSupportedException($"{typeof(T)} has no Arrow number type."),
    };
}

/// <summary>
/// An enum stored as its underlying integer (<c>KafkaEnumFormat.Value</c>): JSON may hold any
/// number, flag combinations included, or the name of a defined member.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EnumValueColumn<T> : FixedWidthColumn<T>
    where T : unmanaged, IBinaryInteger<T>
{
    private readonly EnumMembers _members;
    private byte[] _scratch = new byte[64];

    /// <param name="members">The enum's members.</param>
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public EnumValueColumn(EnumMembers members, bool nullable)
        : base(NumberColumn<T>.ArrowType, nullable)
    {
        ArgumentNullException.ThrowIfNull(members);
        _members = members;
    }

    internal override bool ReadsPlainValues => true;

    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind == PlainJsonValue.Number && T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            Append(number);
            return true;
        }

        // A number out of range is left to the reader, which names the overflow; a string is a member's name.
        var index = kind == PlainJsonValue.String ? _members.IndexOfName(text) : -1;
        if (index < 0)
        {
            return false;
        }

        Append(T.CreateTruncating(_members.Value(index)));
        return true;
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (TryAppendPlain(PlainJsonValue.Number, reader.ValueSpan))
            {
                error = default;
                return true;
            }

            error = DecodeError.Create($"overflow: {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is out of range for {_members.EnumName}");
            return false;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            if (!JsonText.TryUnescape(ref reader, ref _scratch, out var name))
            {
                error = DecodeError.Create("invalid escape sequence or UTF-8 in a string");
                return false;
            }

            if (TryAppendPlain(PlainJsonValue.String, name))
            {
                error = default;
                return true;
            }

            error = DecodeError.Create(_members.NotAMember(name));
            return false;
        }

        error = DecodeError.Expected($"a member of {_members.EnumName}", ref reader);
        return false;
    }
}

/// <summary>decimal as decimal128(precision, scale); values that need more digits are overflows, extra fraction digits are rounded half to even.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DecimalColumn : FixedWidthColumn<Int128>
{
    /// <summary>The most digits decimal128 holds.</summary>
    public const int DefaultPrecision = 38;

    /// <summary>Digits after the point: 20 before it, enough for any long or ulong.</summary>
    public const int DefaultScale = 18;

    private readonly int _scale;
    private readonly UInt128 _limit;

    /// <param name="nullable">Whether JSON null is accepted.</param>
    /// <param name="precision">Total digits, 1 to 38.</param>
    /// <param name="scale">Digits after the point, 0 to <paramref name="precision"/>.</param>
    public DecimalColumn(bool nullable, int precision = DefaultPrecision, int scale = DefaultScale)
        : base(new Decimal128Type(precision, scale), nullable)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(precision, 38);
        ArgumentOutOfRangeException.ThrowIfNegative(scale);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(scale, precision);
        _scale = scale;
        _limit = UInt128Pow10(precision);
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType != JsonTokenType.Number)
        {
            error = DecodeError.Expected("a number", ref reader);
            return false;
        }

        if (reader.TryGetDecimal(out var value) && TryScale(value, out var unscaled))
        {
            Append(unscaled);
            error = default;
            return true;
        }

        var type = (Decimal128Type)Type;
        error = DecodeError.Create($"overflow: {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is out of range for decimal128({type.Precision}, {type.Scale})");
        return false;
    }

    /// <summary>The integer that <paramref name="value"/> is at this column's scale, if it fits its precision.</summary>
    internal bool TryScale(decimal value, out Int128 unscaled)
    {
        if (value.Scale > _scale)
        {
            value = decimal.Round(value, _scale, MidpointRounding.ToEven);
        }

        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var mantissa = ((UInt128)(uint)bits[2] << 64) | ((UInt128)(uint)bits[1] << 32) | (uint)bits[0];
        var factor = UInt128Pow10(_scale - value.Scale);
        unscaled = default;
        if (mantissa != 0 && mantissa > (_limit - 1) / factor)
        {
            return false;
        }

        var magnitude = mantissa * factor;
        unscaled = value < 0 ? -(Int128)magnitude : (Int128)magnitude;
        return true;
    }

    private static UInt128 UInt128Pow10(int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}

/// <summary>DateTime and DateTimeOffset as timestamp[us, UTC]; an ISO 8601 string without an offset is taken as UTC.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TimestampColumn : FixedWidthColumn<long>
{
    internal static readonly TimestampType UtcMicroseconds = new(TimeUnit.Microsecond, "UTC");

    /// <param name="nullable">Whether JSON null is accepted.</param>
    public TimestampColumn(bool nullable)
        : base(UtcMicroseconds, nullable)
    {
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (TryReadUtc(ref reader, out var value))
        {
            Append(ArrowTime.ToMicroseconds(value.UtcTicks, sinceEpoch: true));
            error = default;
            return true;
        }

        error = reader.TokenType == JsonTokenType.String
            ? DecodeError.Create("expected an ISO 8601 date and time, got a string that is not one")
            : DecodeError.Expected("an ISO 8601 date and time string", ref reader);
        return false;
    }

    internal override bool ReadsPlainValues => true;

    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind != PlainJsonValue.String || !ArrowTime.TryParseIsoUtcTicks(text, out var utcTicks))
        {
            return false;
        }

        Append(ArrowTime.ToMicroseconds(utcTicks, sinceEpoch: true));
        return true;
    }

    /// <summary>The ISO 8601 string the reader is on; shared with <see cref="EventTimeReader"/> so that both read a time alike.</summary>
    internal static bool TryReadUtc(ref Utf8JsonReader reader, out DateTimeOffset value)
    {
        // The shapes producers write are parsed from the bytes; the reader's parser takes the rest.
        if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped && ArrowTime.TryParseIsoUtcTicks(reader.ValueSpan, out var utcTicks))
        {
            value = new DateTimeOffset(utcTicks, TimeSpan.Zero);
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            value = default;
            return false;
        }

        if (reader.TryGetDateTimeOffset(out value))
        {
            // Without an offset in the text the reader assumed the local zone; the clock time is what was written.
            if (!HasOffset(ref reader))
            {
                value = new DateTimeOffset(value.DateTime, TimeSpan.Zero);
            }

            return true;
        }

        // Near the ends of the range the local zone can take a time without an offset out of it
        // (0001-01-01T00:00:00 east of UTC): read as a DateTime, such a text keeps its clock time (Unspecified).
        if (reader.TryGetDateTime(out var clock) && clock.Kind == DateTimeKind.Unspecified)
        {
            value = new DateTimeOffset(clock, TimeSpan.Zero);
            return true;
        }

        value = default;
        return false;
    }

    private static bool HasOffset(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return HasOffset(reader.ValueSpan);
        }

        // TryGetDateTimeOffset succeeded, so the unescaped text is short and valid.
        Span<byte> buffer = stackalloc byte[64];
        return HasOffset(buffer[..reader.CopyString(buffer)]);
    }

    // After "yyyy-MM-dd", a 'Z' or a sign can only be an offset.
    private static bool HasOffset(ReadOnlySpan<byte> text) => text.Length > 10 && text[10..].IndexOfAny("Zz+-"u8) >= 0;
}

/// <summary>DateOnly as date32 (days since 1970-01-01), from "yyyy-MM-dd".</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DateColumn : FixedWidthColumn<int>
{
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public DateColumn(bool nullable)
        : base(Date32Type.Default, nullable)
    {
    }

    internal override bool ReadsPlainValues => true;

    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind != PlainJsonValue.String || !ArrowTime.TryParseDate(text, out var date))
        {
            return false;
        }

        Append(date.DayNumber - ArrowTime.UnixEpochDayNumber);
        return true;
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            Span<byte> buffer = stackalloc byte[16];
            scoped var text = reader.ValueSpan;
            if (reader.ValueIsEscaped)
            {
                // Unescaped text is never longer than escaped text; longer than the buffer is invalid anyway.
                text = text.Length <= buffer.Length && JsonText.TryCopyString(ref reader, buffer, out var written) ? buffer[..written] : default;
            }

            if (TryAppendPlain(PlainJsonValue.String, text))
            {
                error = default;
                return true;
            }

            error = DecodeError.Create("expected a date as yyyy-MM-dd, got a string that is not one");
            return false;
        }

        error = DecodeError.Expected("a date string (yyyy-MM-dd)", ref reader);
        return false;
    }
}

/// <summary>TimeSpan as duration[us], from the constant ("c") format System.Text.Json writes: [-][d.]hh:mm:ss[.fffffff].</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class DurationColumn : FixedWidthColumn<long>
{
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public DurationColumn(bool nullable)
        : base(DurationType.Microsecond, nullable)
    {
    }

    internal override bool ReadsPlainValues => true;

    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind != PlainJsonValue.String || text.IsEmpty || !Utf8Parser.TryParse(text, out TimeSpan value, out var consumed, 'c') || consumed != text.Length)
        {
            return false;
        }

        Append(ArrowTime.ToMicroseconds(value.Ticks));
        return true;
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            Span<byte> buffer = stackalloc byte[64];
            scoped var text = reader.ValueSpan;
            if (reader.ValueIsEscaped)
            {
                // Unescaped text is never longer than escaped text; longer than the buffer is invalid anyway.
                text = text.Length <= buffer.Length && JsonText.TryCopyString(ref reader, buffer, out var written) ? buffer[..written] : default;
            }

            if (TryAppendPlain(PlainJsonValue.String, text))
            {
                error = default;
                return true;
            }

            error = DecodeError.Create("expected a duration as [-][d.]hh:mm:ss[.fffffff], got a string that is not one");
            return false;
        }

        error = DecodeError.Expected("a duration string", ref reader);
        return false;
    }
}

/// <summary>Guid as the arrow.uuid extension type: fixed_size_binary(16), RFC 4122 byte order.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class GuidColumn : FixedWidthColumn<Int128>
{
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public GuidColumn(bool nullable)
        : base(GuidType.Default, nullable)
    {
    }

    internal override bool ReadsPlainValues => true;

    // As System.Text.Json reads a Guid: exactly 36 characters, 00000000-0000-0000-0000-000000000000.
    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind != PlainJsonValue.String || text.Length != 36 || !Utf8Parser.TryParse(text, out Guid value, out _, 'D'))
        {
            return false;
        }

        Append(value);
        return true;
    }

    private void Append(Guid value)
    {
        Int128 slot = default;
        value.TryWriteBytes(MemoryMarshal.AsBytes(new Span<Int128>(ref slot)), bigEndian: true, out _);
        Append(slot);
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.String && reader.TryGetGuid(out var value))
        {
            Append(value);
            error = default;
            return true;
        }

        error = reader.TokenType == JsonTokenType.String
            ? DecodeError.Create("expected a GUID as 00000000-0000-0000-0000-000000000000, got a string that is not one")
            : DecodeError.Expected("a GUID string", ref reader);
        return false;
    }
}

/// <summary>bool as a bit-packed Arrow boolean column.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BooleanColumn : ArrowColumn
{
    private GrowableBuffer<byte> _values = new(256);

    /// <param name="nullable">Whether JSON null is accepted.</param>
    public BooleanColumn(bool nullable)
        : base(BooleanType.Default, nullable)
    {
    }

    /// <inheritdoc/>
    public override void AppendNull()
    {
        _values.Add(0);
        _validity.AppendNull();
    }

    /// <inheritdoc/>
    public override void Truncate(int length)
    {
        _values.Truncate(length);
        _validity.Truncate(length);
    }

    internal override bool ReadsPlainValues => true;

    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind is not (PlainJsonValue.True or PlainJsonValue.False))
        {
            return false;
        }

        _values.Add(kind == PlainJsonValue.True ? (byte)1 : (byte)0);
        _validity.AppendValid();
        return true;
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
        {
            _values.Add(reader.TokenType == JsonTokenType.True ? (byte)1 : (byte)0);
            _validity.AppendValid();
            error = default;
            return true;
        }

        error = DecodeError.Expected("true or false", ref reader);
        return false;
    }

    internal override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var data = ArrowBuffer.Empty;
        if (length > 0)
        {
            var packed = new NativeBuffer<byte, MemoryPressureAllocationTracker>((length + 7) >> 3, true, default);
            var bits = packed.Span;
            var values = _values.Used;
            for (var i = 0; i < length; i++)
            {
                bits[i >> 3] |= (byte)(values[i] << (i & 7));
            }

            data = packed.Build();
        }

        var validity = _validity.Build();
        _values.Clear();
        return new ArrayData(Type, length, nulls, 0, [validity, data]);
    }
}
