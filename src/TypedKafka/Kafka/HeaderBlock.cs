using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>
/// A message's headers as one run of bytes, stored in the engine's chunks after the key and value:
/// for each header in order, the key's UTF-8 length (int32), the key, the value's length (int32,
/// -1 for a null value) and the value. Order, repeated keys and null values are kept as they came.
/// </summary>
internal static class HeaderBlock
{
    /// <summary>Encodes <paramref name="headers"/> into <paramref name="scratch"/> (grown as needed) and returns the bytes used.</summary>
    public static ReadOnlySpan<byte> Encode(Headers? headers, ref byte[] scratch)
    {
        if (headers is null || headers.Count == 0)
        {
            return default;
        }

        var used = 0;
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i];
            var value = header.GetValueBytes();
            var keyLength = Encoding.UTF8.GetByteCount(header.Key);
            var needed = used + 8 + keyLength + (value?.Length ?? 0);
            if (needed > scratch.Length)
            {
                Array.Resize(ref scratch, Math.Max(needed, scratch.Length * 2));
            }

            var span = scratch.AsSpan(used);
            BinaryPrimitives.WriteInt32LittleEndian(span, keyLength);
            Encoding.UTF8.GetBytes(header.Key, span[4..]);
            BinaryPrimitives.WriteInt32LittleEndian(span[(4 + keyLength)..], value?.Length ?? -1);
            value?.CopyTo(span[(8 + keyLength)..]);
            used = needed;
        }

        return scratch.AsSpan(0, used);
    }

    /// <summary>Appends one header, its key's UTF-8 bytes and its value as the client holds them, at <paramref name="used"/> in <paramref name="scratch"/> (grown as needed).</summary>
    public static void Append(ref byte[] scratch, ref int used, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        var needed = used + 8 + key.Length + value.Length;
        if (needed > scratch.Length)
        {
            Array.Resize(ref scratch, Math.Max(needed, scratch.Length * 2));
        }

        var span = scratch.AsSpan(used);
        BinaryPrimitives.WriteInt32LittleEndian(span, key.Length);
        key.CopyTo(span[4..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[(4 + key.Length)..], valueIsNull ? -1 : value.Length);
        value.CopyTo(span[(8 + key.Length)..]);
        used = needed;
    }

    /// <summary>Counts the headers in a block and the bytes of their keys and values.</summary>
    public static (int Count, int KeyBytes, int ValueBytes, int NullValues) Measure(ReadOnlySpan<byte> block)
    {
        int count = 0, keyBytes = 0, valueBytes = 0, nulls = 0;
        while (!block.IsEmpty)
        {
            var keyLength = BinaryPrimitives.ReadInt32LittleEndian(block);
            var valueLength = BinaryPrimitives.ReadInt32LittleEndian(block[(4 + keyLength)..]);
            count++;
            keyBytes += keyLength;
            valueBytes += Math.Max(valueLength, 0);
            nulls += valueLength < 0 ? 1 : 0;
            block = block[(8 + keyLength + Math.Max(valueLength, 0))..];
        }

        return (count, keyBytes, valueBytes, nulls);
    }

    /// <summary>The next header of a block, and the rest of the block after it.</summary>
    public static ReadOnlySpan<byte> Next(ReadOnlySpan<byte> block, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value, out bool valueIsNull)
    {
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(block);
        key = block.Slice(4, keyLength);
        var valueLength = BinaryPrimitives.ReadInt32LittleEndian(block[(4 + keyLength)..]);
        valueIsNull = valueLength < 0;
        value = valueIsNull ? default : block.Slice(8 + keyLength, valueLength);
        return block[(8 + keyLength + Math.Max(valueLength, 0))..];
    }
}
