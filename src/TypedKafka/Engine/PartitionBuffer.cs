using System.Buffers;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// One partition's held messages in offset order (a FIFO), with their bytes in pooled chunks.
/// Messages leave in the order they came, so a chunk goes back to the pool as soon as the
/// release front moves past it: no per-message arrays, no compaction, no fragmentation.
/// </summary>
internal sealed class PartitionBuffer(ChunkPool chunkPool) : IDisposable
{
    internal const int ChunkSize = 64 * 1024;
    private const int InitialCapacity = 64;

    // Chunks in use, a ring indexed by chunk number; chunk numbers only grow.
    private byte[][] _chunks = new byte[4][];
    private int _firstChunk;
    private int _chunkCount;
    private int _writePosition;

    // Held messages, a ring; rented because a backlog can make it large.
    private HeldMessage[] _ring = ArrayPool<HeldMessage>.Shared.Rent(InitialCapacity);
    private int _head;

    public int Count { get; private set; }

    /// <summary>Key and value bytes held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Bytes of pooled chunks in use, at least <see cref="Bytes"/>.</summary>
    public long ReservedBytes { get; private set; }

    public void Append(long offset, long timestampMs, long brokerTimestampMs, long arrivalMs, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<byte> headers = default)
    {
        var size = key.Length + value.Length + headers.Length;
        var chunk = ChunkWithRoomFor(size);
        var position = _writePosition;
        var destination = _chunks[chunk & (_chunks.Length - 1)].AsSpan(position, size);
        key.CopyTo(destination);
        value.CopyTo(destination[key.Length..]);
        headers.CopyTo(destination[(key.Length + value.Length)..]);
        _writePosition = position + size;

        if (Count == _ring.Length)
        {
            GrowRing();
        }

        ref var slot = ref _ring[(_head + Count) & (_ring.Length - 1)];
        slot.Offset = offset;
        slot.TimestampMs = timestampMs;
        slot.BrokerTimestampMs = brokerTimestampMs;
        slot.ArrivalMs = arrivalMs;
        slot.Chunk = chunk;
        slot.Position = position;
        slot.KeyLength = keyIsNull ? -1 : key.Length;
        slot.ValueLength = valueIsNull ? -1 : value.Length;
        slot.HeadersLength = headers.Length;
        Count++;
        Bytes += size;
    }

    /// <summary>The message <paramref name="index"/> places behind the front (0 is the oldest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly HeldMessage PeekAt(int index) => ref _ring[(_head + index) & (_ring.Length - 1)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Key(in HeldMessage message) =>
        message.KeyLength <= 0 ? default : _chunks[message.Chunk & (_chunks.Length - 1)].AsSpan(message.Position, message.KeyLength);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Value(in HeldMessage message) =>
        message.ValueLength <= 0 ? default : _chunks[message.Chunk & (_chunks.Length - 1)].AsSpan(message.Position + Math.Max(message.KeyLength, 0), message.ValueLength);

    /// <summary>The message's headers as <see cref="Kafka.HeaderBlock"/> encoded them; empty when it had none or none were kept.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ReadOnlySpan<byte> Headers(in HeldMessage message) =>
        message.HeadersLength == 0
            ? default
            : _chunks[message.Chunk & (_chunks.Length - 1)].AsSpan(message.Position + Math.Max(message.KeyLength, 0) + Math.Max(message.ValueLength, 0), message.HeadersLength);

    /// <summary>Removes the <paramref name="count"/> oldest messages, holding <paramref name="bytes"/> key and value bytes, and returns chunks nothing points into any more.</summary>
    public void RemoveFront(int count, long bytes)
    {
        if ((uint)count > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Only {Count} messages are held.");
        }

        _head = (_head + count) & (_ring.Length - 1);
        Count -= count;
        Bytes -= bytes;
        ReturnChunksBefore(Count == 0 ? _firstChunk + _chunkCount : _ring[_head].Chunk);
    }

    /// <summary>Removes the <paramref name="count"/> oldest messages.</summary>
    public void RemoveFront(int count)
    {
        long bytes = 0;
        for (var i = 0; i < count && i < Count; i++)
        {
            bytes += PeekAt(i).PayloadBytes;
        }

        RemoveFront(count, bytes);
    }

    public void Dispose()
    {
        RemoveFront(Count);
        ArrayPool<HeldMessage>.Shared.Return(_ring);
        _ring = [];
    }

    /// <summary>The number of the chunk, the newest, that has room for <paramref name="size"/> more bytes.</summary>
    private int ChunkWithRoomFor(int size)
    {
        if (_chunkCount > 0)
        {
            var newest = _firstChunk + _chunkCount - 1;
            if (_chunks[newest & (_chunks.Length - 1)].Length - _writePosition >= size)
            {
                return newest;
            }
        }

        if (_chunkCount == _chunks.Length)
        {
            var larger = new byte[_chunks.Length * 2][];
            for (var n = _firstChunk; n < _firstChunk + _chunkCount; n++)
            {
                larger[n & (larger.Length - 1)] = _chunks[n & (_chunks.Length - 1)];
            }

            _chunks = larger;
        }

        var number = _firstChunk + _chunkCount;
        var chunk = chunkPool.Rent(Math.Max(ChunkSize, size));
        _chunks[number & (_chunks.Length - 1)] = chunk;
        _chunkCount++;
        ReservedBytes += chunk.Length;
        _writePosition = 0;
        return number;
    }

    private void ReturnChunksBefore(int chunk)
    {
        while (_chunkCount > 0 && _firstChunk != chunk)
        {
            ref var slot = ref _chunks[_firstChunk & (_chunks.Length - 1)];
            ReservedBytes -= slot.Length;
            chunkPool.Return(slot);
            slot = null!;
            _firstChunk++;
            _chunkCount--;
        }

        if (_chunkCount == 0)
        {
            _writePosition = 0;
        }
    }

    private void GrowRing()
    {
        // The shared pool hands out power-of-two lengths, which the ring's masking relies on.
        var larger = ArrayPool<HeldMessage>.Shared.Rent(_ring.Length * 2);
        Debug.Assert(BitOperations.IsPow2(larger.Length), "ring capacity must be a power of two");
        var mask = _ring.Length - 1;
        for (var i = 0; i < Count; i++)
        {
            larger[i] = _ring[(_head + i) & mask];
        }

        ArrayPool<HeldMessage>.Shared.Return(_ring);
        _ring = larger;
        _head = 0;
    }
}
