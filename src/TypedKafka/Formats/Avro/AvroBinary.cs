using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace TypedKafka.Formats.Avro;

/// <summary>
/// Avro's binary encoding read from a span, in place: zig-zag varints, little-endian floats,
/// length-prefixed bytes and strings (returned as slices of the input, never copied), blocked
/// arrays and maps. Truncated or malformed input throws <see cref="PayloadFormatException"/>.
/// </summary>
internal ref struct AvroBinary(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Remaining => _data.Length - _position;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadLong()
    {
        // The common case, a one-byte varint, without the loop.
        if (_position < _data.Length && _data[_position] < 0x80)
        {
            var b = (ulong)_data[_position++];
            return (long)(b >> 1) ^ -(long)(b & 1);
        }

        return ReadLongSlow();
    }

    public int ReadInt()
    {
        var value = ReadLong();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new PayloadFormatException($"an Avro int is out of range: {value}");
        }

        return (int)value;
    }

    public bool ReadBoolean()
    {
        var b = Take(1)[0];
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new PayloadFormatException($"an Avro boolean is byte {b}, neither 0 nor 1"),
        };
    }

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>The bytes of a bytes or string value, as a slice of the input.</summary>
    public ReadOnlySpan<byte> ReadBytes()
    {
        var length = ReadLong();
        if (length < 0 || length > Remaining)
        {
            throw new PayloadFormatException(length < 0
                ? $"an Avro bytes or string length is negative ({length})"
                : $"an Avro bytes or string value of {length} bytes runs past the end of the payload ({Remaining} left)");
        }

        return Take((int)length);
    }

    public ReadOnlySpan<byte> ReadFixed(int size) => Take(size);

    /// <summary>The item count of the next block of an array or map, 0 at its end; a block's byte size, when given, is skipped over.</summary>
    public long ReadBlockCount()
    {
        var count = ReadLong();
        if (count < 0)
        {
            // A negative count is followed by the block's size in bytes, for readers that skip it.
            count = -count;
            ReadLong();
        }

        if (count > int.MaxValue)
        {
            throw new PayloadFormatException($"an Avro array or map block claims {count} items");
        }

        return count;
    }

    public void Skip(int length) => Take(length);

    /// <summary>Where a value ends: anything after the encoded value is an error, not silently ignored.</summary>
    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            throw new PayloadFormatException($"{Remaining} bytes are left over after the Avro value: the writer schema does not describe this payload");
        }
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > Remaining)
        {
            throw new PayloadFormatException($"the Avro value ends early: {length} more bytes needed, {Remaining} left");
        }

        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }

    private long ReadLongSlow()
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new PayloadFormatException("the Avro value ends inside a varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return (long)(result >> 1) ^ -(long)(result & 1);
            }
        }

        throw new PayloadFormatException("an Avro varint is longer than 10 bytes");
    }
}
