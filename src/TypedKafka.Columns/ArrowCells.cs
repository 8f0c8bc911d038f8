using System.ComponentModel;
using System.Numerics;
using System.Runtime.InteropServices;
using Apache.Arrow;

namespace TypedKafka.Columns;

/// <summary>
/// Reads one non-null cell of a column that a <see cref="ArrowColumn"/> built back into its .NET
/// value; callers check <see cref="IArrowArray.IsNull"/> first for nullable members.
/// Support for generated code; not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ArrowCells
{
    /// <summary>An integer or floating-point cell.</summary>
    public static T ReadNumber<T>(PrimitiveArray<T> array, int row)
        where T : struct, INumber<T> => Values(array)[row];

    /// <summary>A boolean cell.</summary>
    public static bool ReadBoolean(BooleanArray array, int row) => NotNull(array, row).GetValue(row).GetValueOrDefault();

    /// <summary>A utf8 cell.</summary>
    public static string ReadString(StringArray array, int row) => NotNull(array, row).GetString(row);

    /// <summary>A binary cell, copied.</summary>
    public static byte[] ReadBytes(BinaryArray array, int row) => NotNull(array, row).GetBytes(row).ToArray();

    /// <summary>A decimal128 cell; throws <see cref="OverflowException"/> when it does not fit in <see cref="decimal"/>.</summary>
    public static decimal ReadDecimal(Decimal128Array array, int row)
    {
        ArgumentNullException.ThrowIfNull(array);
        var type = (Apache.Arrow.Types.Decimal128Type)array.Data.DataType;
        var unscaled = MemoryMarshal.Read<Int128>(array.ValueBuffer.Span.Slice((array.Offset + row) * 16, 16));
        return ToDecimal(unscaled, type.Scale);
    }

    /// <summary>A timestamp[us] cell, as a UTC <see cref="System.DateTime"/>.</summary>
    public static DateTime ReadDateTime(TimestampArray array, int row) => ArrowTime.ToDateTime(Values(array)[row]);

    /// <summary>A timestamp[us] cell, at offset zero.</summary>
    public static DateTimeOffset ReadDateTimeOffset(TimestampArray array, int row) => ArrowTime.ToDateTimeOffset(Values(array)[row]);

    /// <summary>A date32 cell.</summary>
    public static DateOnly ReadDate(Date32Array array, int row) => ArrowTime.ToDate(Values(array)[row]);

    /// <summary>A duration[us] cell.</summary>
    public static TimeSpan ReadDuration(DurationArray array, int row) => ArrowTime.ToTimeSpan(Values(array)[row]);

    /// <summary>An arrow.uuid cell.</summary>
    public static Guid ReadGuid(GuidArray array, int row)
    {
        ArgumentNullException.ThrowIfNull(array);
        return new Guid(array.StorageArray.GetBytes(row), bigEndian: true);
    }

    /// <summary>The value of the enum member whose name the utf8 cell holds.</summary>
    public static long ReadEnumByName(StringArray array, int row, EnumMembers members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return members.ValueOf(NotNull(array, row).GetBytes(row));
    }

    /// <summary>A new array of <paramref name="length"/> items, for list materialization (any item type, arrays of arrays included).</summary>
    public static T[] NewArray<T>(int length) => new T[length];

    /// <summary>Where the items of list <paramref name="row"/> are in the item column.</summary>
    public static (int Start, int End) ListRange(ListArray array, int row)
    {
        var offsets = NotNull(array, row).ValueOffsets;
        return (offsets[row], offsets[row + 1]);
    }

    internal static decimal ToDecimal(Int128 unscaled, int scale)
    {
        var negative = unscaled < 0;
        var magnitude = negative ? (UInt128)(-unscaled) : (UInt128)unscaled;

        // decimal holds 96 bits of mantissa and a scale up to 28: drop trailing zeros to get there.
        while ((magnitude >> 96 != 0 || scale > 28) && scale > 0 && magnitude % 10 == 0)
        {
            magnitude /= 10;
            scale--;
        }

        if (magnitude >> 96 != 0 || scale > 28)
        {
            throw new OverflowException($"The decimal128 value does not fit in System.Decimal.");
        }

        return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), (int)(uint)(magnitude >> 64), negative, (byte)scale);
    }

    private static ReadOnlySpan<T> Values<T>(PrimitiveArray<T> array)
        where T : struct, IEquatable<T> => (array ?? throw new ArgumentNullException(nameof(array))).Values;

    private static TArray NotNull<TArray>(TArray array, int row)
        where TArray : IArrowArray
    {
        ArgumentNullException.ThrowIfNull(array);
        return array.IsNull(row) ? throw new InvalidOperationException($"Row {row} of a non-nullable member is null.") : array;
    }
}
