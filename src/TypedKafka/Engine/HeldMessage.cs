using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// A consumed message waiting for release. Its key, value and (encoded) header bytes sit back to back from
/// <see cref="Position"/> in chunk number <see cref="Chunk"/> of its partition's buffer, or, when
/// that is negative, in chunk ~<see cref="Chunk"/> of the engine's <see cref="ArrivalLog"/>; a length of
/// -1 means null. No references: arrays of these are neither scanned by the GC nor write-barriered.
/// </summary>
internal struct HeldMessage
{
    public long Offset;
    /// <summary>The time the message is ordered by: its event time where one is extracted, else the broker's timestamp.</summary>
    public long TimestampMs;

    /// <summary>The broker's timestamp, for the <c>timestamp</c> column.</summary>
    public long BrokerTimestampMs;

    /// <summary>The engine clock when the message was delivered: how long it has been held.</summary>
    public long ArrivalMs;
    public int Chunk;
    public int Position;
    public int KeyLength;
    public int ValueLength;

    /// <summary>Bytes of the headers, encoded by <see cref="Kafka.HeaderBlock"/>, after the value; 0 when none were kept.</summary>
    public int HeadersLength;

    public readonly int PayloadBytes => Math.Max(KeyLength, 0) + Math.Max(ValueLength, 0) + HeadersLength;

    /// <summary>The key's bytes in <paramref name="chunk"/>, the chunk numbered <see cref="Chunk"/>; empty when null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Key(byte[] chunk) => KeyLength <= 0 ? default : chunk.AsSpan(Position, KeyLength);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Value(byte[] chunk) => ValueLength <= 0 ? default : chunk.AsSpan(Position + Math.Max(KeyLength, 0), ValueLength);

    /// <summary>The headers as <see cref="Kafka.HeaderBlock"/> encoded them; empty when the message had none or none were kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly ReadOnlySpan<byte> Headers(byte[] chunk) =>
        HeadersLength == 0 ? default : chunk.AsSpan(Position + Math.Max(KeyLength, 0) + Math.Max(ValueLength, 0), HeadersLength);
}
