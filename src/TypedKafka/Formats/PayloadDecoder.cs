using System.Buffers.Binary;
using Apache.Arrow;

namespace TypedKafka.Formats;

/// <summary>
/// Decodes one schema-registry format (Avro, Protobuf) from the encoded bytes of each value
/// straight into Arrow columns, one per top-level field of the reader schema. A row that cannot be
/// decoded throws <see cref="PayloadFormatException"/> with the reason; the caller then truncates
/// the columns back to the row's start and appends a null row. Not thread-safe: one per consumer.
/// </summary>
internal abstract class PayloadDecoder
{
    /// <summary>The columns that replace <c>value</c>, in the reader schema's field order.</summary>
    public abstract IReadOnlyList<Field> Fields { get; }

    /// <summary>Appends one row decoded from a value in Confluent's wire format.</summary>
    /// <exception cref="PayloadFormatException">The value cannot be decoded; some columns may hold part of the row.</exception>
    public abstract void DecodeRow(ReadOnlySpan<byte> value);

    /// <summary>A row with every field null.</summary>
    public abstract void AppendNullRow();

    /// <summary>Drops the rows after the first <paramref name="rows"/>.</summary>
    public abstract void Truncate(int rows);

    /// <summary>The rows since the last build, one array per field; the columns start over, empty.</summary>
    public abstract IArrowArray[] Build();
}

/// <summary>Why one value could not be decoded: the reason goes into <c>_error</c> or a <see cref="BadPayloadException"/>.</summary>
internal sealed class PayloadFormatException(string reason) : Exception(reason);

/// <summary>
/// Confluent's wire format: a zero magic byte, the schema id as a 4-byte big-endian integer, then
/// (for Protobuf) the message indexes, then the encoded value.
/// </summary>
internal static class ConfluentWireFormat
{
    public const int HeaderLength = 5;

    /// <summary>The schema id; <paramref name="body"/> is what follows it.</summary>
    public static int ReadSchemaId(ReadOnlySpan<byte> value, out ReadOnlySpan<byte> body)
    {
        if (value.Length < HeaderLength)
        {
            throw new PayloadFormatException($"not in Confluent's wire format: {value.Length} bytes, fewer than the 5 of the magic byte and schema id");
        }

        if (value[0] != 0)
        {
            throw new PayloadFormatException($"not in Confluent's wire format: the first byte is 0x{value[0]:X2}, not the magic byte 0x00");
        }

        body = value[HeaderLength..];
        return BinaryPrimitives.ReadInt32BigEndian(value[1..]);
    }
}
