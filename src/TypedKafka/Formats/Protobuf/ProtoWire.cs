using System.Buffers.Binary;

namespace TypedKafka.Formats.Protobuf;

/// <summary>The protobuf wire format read from a span, in place: varints, fixed 32/64-bit values, length-delimited slices.</summary>
internal ref struct ProtoWire(ReadOnlySpan<byte> data)
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly bool AtEnd => _position >= _data.Length;

    public readonly int Position => _position;

    public ulong ReadVarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new PayloadFormatException("the protobuf message ends inside a varint");
            }

            var b = _data[_position++];
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new PayloadFormatException("a protobuf varint is longer than 10 bytes");
    }

    /// <summary>A varint or fixed-width value as raw bits.</summary>
    public ulong ReadValue(int wireType, string path) => wireType switch
    {
        Varint => ReadVarint(),
        Fixed64 => BinaryPrimitives.ReadUInt64LittleEndian(Take(8)),
        Fixed32 => BinaryPrimitives.ReadUInt32LittleEndian(Take(4)),
        _ => throw new PayloadFormatException($"field '{path}': wire type {wireType} where a scalar was expected"),
    };

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        var (start, length) = ReadLengthDelimitedRange();
        return _data.Slice(start, length);
    }

    /// <summary>Where a length-delimited value lies in this reader's bytes.</summary>
    public (int Start, int Length) ReadLengthDelimitedRange()
    {
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new PayloadFormatException($"a protobuf length-delimited value of {length} bytes runs past the end of its message ({_data.Length - _position} left)");
        }

        var start = _position;
        _position += (int)length;
        return (start, (int)length);
    }

    /// <summary>Skips a field this reader's schema does not have: newer writers add fields, and protobuf readers ignore them.</summary>
    public void Skip(int wireType, int number)
    {
        switch (wireType)
        {
            case Varint:
                ReadVarint();
                break;
            case Fixed64:
                Take(8);
                break;
            case LengthDelimited:
                ReadLengthDelimitedRange();
                break;
            case Fixed32:
                Take(4);
                break;
            default:
                throw new PayloadFormatException($"field number {number} has wire type {wireType}, which is not supported (groups are deprecated)");
        }
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _data.Length - _position)
        {
            throw new PayloadFormatException($"the protobuf message ends early: {length} more bytes needed, {_data.Length - _position} left");
        }

        var slice = _data.Slice(_position, length);
        _position += length;
        return slice;
    }
}
