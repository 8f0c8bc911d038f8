using System.Buffers.Text;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Text;

namespace TypedKafka.Formats.Avro;

/// <summary>
/// One step of a resolved decoding program: it reads a value encoded with the writer's schema
/// and appends it, as the reader's schema says, to its column (or skips it). Programs are built
/// once per writer schema (<see cref="AvroResolver"/>), so that decoding a row is a walk of
/// virtual calls over the bytes: no schema lookups, no objects per row.
/// </summary>
internal abstract class AvroNode
{
    public abstract void Read(ref AvroBinary input);
}

internal enum AvroNumber
{
    Int,
    Long,
    Float,
    Double,
}

/// <summary>A writer's null into a nullable column.</summary>
internal sealed class NullInto(FormatColumn column) : AvroNode
{
    public override void Read(ref AvroBinary input) => column.AppendNull();
}

internal sealed class BooleanInto(BoolColumn column) : AvroNode
{
    public override void Read(ref AvroBinary input) => column.Append(input.ReadBoolean());
}

/// <summary>An int, long, float or double into a column of <typeparamref name="T"/>: the same type, or one Avro promotes it to.</summary>
internal sealed class NumberInto<T>(FixedColumn<T> column, AvroNumber writer) : AvroNode
    where T : unmanaged, INumber<T>
{
    public override void Read(ref AvroBinary input)
    {
        var value = writer switch
        {
            AvroNumber.Int => T.CreateTruncating(input.ReadInt()),
            AvroNumber.Long => T.CreateTruncating(input.ReadLong()),
            AvroNumber.Float => T.CreateTruncating(input.ReadFloat()),
            _ => T.CreateTruncating(input.ReadDouble()),
        };
        column.Append(value);
    }
}

/// <summary>A writer's timestamp-millis into a reader's timestamp-micros column.</summary>
internal sealed class MillisecondsToMicrosecondsInto(FixedColumn<long> column, string path) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        var milliseconds = input.ReadLong();
        if (milliseconds is > long.MaxValue / 1000 or < long.MinValue / 1000)
        {
            throw new PayloadFormatException($"field '{path}': timestamp-millis {milliseconds} is out of the range of timestamp-micros");
        }

        column.Append(milliseconds * 1000);
    }
}

/// <summary>bytes or string into binary.</summary>
internal sealed class BytesInto(BytesColumn column) : AvroNode
{
    public override void Read(ref AvroBinary input) => column.Append(input.ReadBytes());
}

/// <summary>string (or bytes, which Avro promotes) into utf8, checked: an Arrow utf8 column must hold valid UTF-8.</summary>
internal sealed class StringInto(BytesColumn column, string path) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        var text = input.ReadBytes();
        if (!System.Text.Unicode.Utf8.IsValid(text))
        {
            throw new PayloadFormatException($"field '{path}': the string is not valid UTF-8");
        }

        column.Append(text);
    }
}

/// <summary>A uuid string into arrow.uuid (16 bytes, RFC 4122 order).</summary>
internal sealed class UuidInto(FixedColumn<Int128> column, string path) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        var text = input.ReadBytes();
        if (!Utf8Parser.TryParse(text, out Guid guid, out var consumed) || consumed != text.Length)
        {
            throw new PayloadFormatException($"field '{path}': '{Encoding.UTF8.GetString(text)}' is not a uuid");
        }

        Int128 slot = default;
        guid.TryWriteBytes(MemoryMarshal.AsBytes(new Span<Int128>(ref slot)), bigEndian: true, out _);
        column.Append(slot);
    }
}

/// <summary>A decimal's unscaled value, big-endian two's complement in bytes or a fixed, into decimal128.</summary>
internal sealed class DecimalInto(FixedColumn<Int128> column, int fixedSize, int precision, string path) : AvroNode
{
    private readonly UInt128 _limit = Pow10(precision);

    public override void Read(ref AvroBinary input)
    {
        var bytes = fixedSize > 0 ? input.ReadFixed(fixedSize) : input.ReadBytes();
        if (bytes.IsEmpty)
        {
            throw new PayloadFormatException($"field '{path}': a decimal with no bytes");
        }

        // Sign-extend to 16 bytes; longer values fit only if their extra leading bytes are sign bytes.
        var negative = (sbyte)bytes[0] < 0;
        var sign = negative ? (byte)0xFF : (byte)0;
        while (bytes.Length > 16 && bytes[0] == sign && (bytes[1] & 0x80) == (sign & 0x80))
        {
            bytes = bytes[1..];
        }

        if (bytes.Length > 16)
        {
            throw new PayloadFormatException($"field '{path}': the decimal does not fit in 128 bits");
        }

        Span<byte> wide = stackalloc byte[16];
        wide.Fill(sign);
        bytes.CopyTo(wide[(16 - bytes.Length)..]);
        var value = new Int128(
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(wide),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(wide[8..]));
        var magnitude = negative ? (UInt128)(-value) : (UInt128)value;
        if (magnitude >= _limit)
        {
            throw new PayloadFormatException($"field '{path}': the decimal has more than its {precision} digits");
        }

        column.Append(value);
    }

    private static UInt128 Pow10(int exponent)
    {
        UInt128 result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}

internal sealed class FixedInto(FixedBinaryColumn column, int size) : AvroNode
{
    public override void Read(ref AvroBinary input) => column.Append(input.ReadFixed(size));
}

/// <summary>An enum into utf8 by symbol: the writer's index mapped to the reader's symbol (or its default) once, at resolution.</summary>
internal sealed class EnumInto(BytesColumn column, byte[]?[] symbolsByWriterIndex, string[] writerSymbols, string path) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        var index = input.ReadInt();
        if ((uint)index >= (uint)symbolsByWriterIndex.Length)
        {
            throw new PayloadFormatException($"field '{path}': enum index {index} is out of range for the writer's {symbolsByWriterIndex.Length} symbols");
        }

        var symbol = symbolsByWriterIndex[index]
            ?? throw new PayloadFormatException($"field '{path}': the writer's symbol '{writerSymbols[index]}' is not in the reader's enum, which has no default");
        column.Append(symbol);
    }
}

internal sealed class ArrayInto(ListOfColumn column, AvroNode items) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        for (var count = input.ReadBlockCount(); count != 0; count = input.ReadBlockCount())
        {
            for (var i = 0L; i < count; i++)
            {
                items.Read(ref input);
            }
        }

        column.EndList();
    }
}

/// <summary>A map into an Arrow map: each entry a key (utf8) and a value in the entries struct.</summary>
internal sealed class MapInto(ListOfColumn column, StructOfColumn entries, BytesColumn keys, AvroNode values, string path) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        for (var count = input.ReadBlockCount(); count != 0; count = input.ReadBlockCount())
        {
            for (var i = 0L; i < count; i++)
            {
                var key = input.ReadBytes();
                if (!System.Text.Unicode.Utf8.IsValid(key))
                {
                    throw new PayloadFormatException($"field '{path}': a map key is not valid UTF-8");
                }

                keys.Append(key);
                values.Read(ref input);
                entries.EndStruct();
            }
        }

        column.EndList();
    }
}

/// <summary>
/// A record: the writer's fields in the writer's order (each into its reader column, or skipped),
/// then the reader's fields the writer lacks, from their defaults; into a struct, or at the top level.
/// </summary>
internal sealed class RecordInto(StructOfColumn? target, AvroNode[] steps) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        foreach (var step in steps)
        {
            step.Read(ref input);
        }

        target?.EndStruct();
    }
}

/// <summary>A writer's union: the branch index, then that branch, resolved against the reader's type.</summary>
internal sealed class UnionFrom(AvroNode[] branches, string path) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        var index = input.ReadLong();
        if ((ulong)index >= (ulong)branches.Length)
        {
            throw new PayloadFormatException($"field '{path}': union branch {index} is out of range for the writer's {branches.Length} branches");
        }

        branches[index].Read(ref input);
    }
}

/// <summary>A writer's union branch the reader cannot take: only the rows that use it are bad.</summary>
internal sealed class Unreadable(string reason) : AvroNode
{
    public override void Read(ref AvroBinary input) => throw new PayloadFormatException(reason);
}

/// <summary>A reader field the writer lacks: its default, encoded once and read by the reader's own program.</summary>
internal sealed class DefaultInto(AvroNode program, byte[] encoded) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        var defaults = new AvroBinary(encoded);
        program.Read(ref defaults);
    }
}

/// <summary>Skips a writer's field the reader does not have.</summary>
internal sealed class SkipBytes(int fixedLength) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        if (fixedLength >= 0)
        {
            input.Skip(fixedLength);
        }
        else
        {
            input.ReadBytes();
        }
    }
}

internal sealed class SkipVarint : AvroNode
{
    public static readonly SkipVarint Instance = new();

    public override void Read(ref AvroBinary input) => input.ReadLong();
}

internal sealed class SkipNothing : AvroNode
{
    public static readonly SkipNothing Instance = new();

    public override void Read(ref AvroBinary input)
    {
    }
}

/// <summary>Skips an array (items of one skipper) or a map (a string key before each item).</summary>
internal sealed class SkipBlocks(AvroNode item, bool keyed) : AvroNode
{
    public override void Read(ref AvroBinary input)
    {
        for (var count = input.ReadBlockCount(); count != 0; count = input.ReadBlockCount())
        {
            for (var i = 0L; i < count; i++)
            {
                if (keyed)
                {
                    input.ReadBytes();
                }

                item.Read(ref input);
            }
        }
    }
}
