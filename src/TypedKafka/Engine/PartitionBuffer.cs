using System.Buffers;
using System.Runtime.CompilerServices;

namespace TypedKafka.Engine;

/// <summary>
/// One partition's held messages in offset order (a FIFO), with their bytes in pooled chunks.
/// Messages leave in the order they came, so a chunk goes back to the pool as soon as the
/// release front moves past it: no per-message arrays, no compaction, no fragmentation.
/// </summary>
internal sealed class PartitionBuffer : IDisposable
{
    internal const int ChunkSize = 64 * 1024;

    private readonly Queue<byte[]> _chunks = new();
    private HeldMessage[] _ring = new HeldMessage[16];
    private int _head;
    private byte[]? _current;
    private int _writePosition;

    public int Count { get; private set; }

    /// <summary>Key and value bytes held.</summary>
    public long Bytes { get; private set; }

    /// <summary>Bytes of pooled chunks rented, at least <see cref="Bytes"/>.</summary>
    public long ReservedBytes { get; private set; }

    public void Append(long offset, long timestampMs, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull)
    {
        var keyLength = keyIsNull ? -1 : key.Length;
        var valueLength = valueIsNull ? -1 : value.Length;
        var size = key.Length + value.Length;
        var chunk = ChunkWithRoomFor(size);
        var position = _writePosition;
        key.CopyTo(chunk.AsSpan(position));
        value.CopyTo(chunk.AsSpan(position + key.Length));
        _writePosition = position + size;

        if (Count == _ring.Length)
        {
            Grow();
        }

        ref var slot = ref _ring[(_head + Count) & (_ring.Length - 1)];
        slot.Offset = offset;
        slot.TimestampMs = timestampMs;
        slot.Chunk = chunk;
        slot.Position = position;
        slot.KeyLength = keyLength;
        slot.ValueLength = valueLength;
        Count++;
        Bytes += size;
    }

    /// <summary>The message <paramref name="index"/> places behind the front (0 is the oldest).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref readonly HeldMessage PeekAt(int index) => ref _ring[(_head + index) & (_ring.Length - 1)];

    /// <summary>Removes the <paramref name="count"/> oldest messages and returns chunks nothing points into any more.</summary>
    public void RemoveFront(int count)
    {
        if ((uint)count > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Only {Count} messages are held.");
        }

        var mask = _ring.Length - 1;
        for (var i = 0; i < count; i++)
        {
            ref var slot = ref _ring[(_head + i) & mask];
            Bytes -= slot.PayloadBytes;
            slot.Chunk = null!; // let the pool own the chunk alone
        }

        _head = (_head + count) & mask;
        Count -= count;
        if (Count == 0)
        {
            ReturnChunks(keep: null);
            return;
        }

        ReturnChunks(keep: _ring[_head].Chunk);
    }

    public void Dispose()
    {
        RemoveFront(Count);
    }

    private byte[] ChunkWithRoomFor(int size)
    {
        if (_current is not null && _current.Length - _writePosition >= size)
        {
            return _current;
        }

        var chunk = ArrayPool<byte>.Shared.Rent(Math.Max(ChunkSize, size));
        _chunks.Enqueue(chunk);
        ReservedBytes += chunk.Length;
        _current = chunk;
        _writePosition = 0;
        return chunk;
    }

    private void ReturnChunks(byte[]? keep)
    {
        while (_chunks.Count > 0 && !ReferenceEquals(_chunks.Peek(), keep))
        {
            var chunk = _chunks.Dequeue();
            ReservedBytes -= chunk.Length;
            ArrayPool<byte>.Shared.Return(chunk);
        }

        if (_chunks.Count == 0)
        {
            _current = null;
            _writePosition = 0;
        }
    }

    private void Grow()
    {
        var larger = new HeldMessage[_ring.Length * 2];
        var mask = _ring.Length - 1;
        for (var i = 0; i < Count; i++)
        {
            larger[i] = _ring[(_head + i) & mask];
        }

        _ring = larger;
        _head = 0;
    }
}
