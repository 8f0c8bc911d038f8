namespace TypedKafka.Engine;

/// <summary>
/// The engine's store of byte chunks for held messages, in sizes from <see cref="MinChunkSize"/>
/// to <see cref="PartitionBuffer.ChunkSize"/> (powers of two). A partition's next chunk is sized by
/// what it holds then, so thousands of partitions that each hold a few messages do not take a
/// 64 KiB chunk each, while a partition that holds more writes into 64 KiB chunks.
/// Chunks live as long as messages wait for the watermark, often across many collections, so they
/// are allocated on the pinned object heap (the GC never copies them, as it would young arrays
/// that survive) and uninitialised (every byte read was written first). An engine keeps its free
/// chunks up to a number of bytes; when it is disposed they go, up to 16 MiB in all, to a
/// process-wide spare set that the next engine draws from first, so a process that replays again
/// and again (a restarted hosted consumer, a test suite) allocates none.
/// Rent and Return are single-threaded, like the engine.
/// </summary>
internal sealed class ChunkPool : IDisposable
{
    public const int MinChunkSize = 4 * 1024;
    private const int Classes = 5; // 4, 8, 16, 32 and 64 KiB.
    private const long MaxSpareBytes = 16L * 1024 * 1024; // kept for the next engine.
    private static readonly Stack<byte[]>[] Spare = [new(), new(), new(), new(), new()];
    private static long s_spareBytes; // under lock (Spare)
    private readonly Stack<byte[]>[] _free = [new(), new(), new(), new(), new()];
    private readonly long _maxRetainedBytes;
    private long _retainedBytes;

    /// <param name="maxRetained">How many 64 KiB chunks' worth of free chunks the pool keeps.</param>
    public ChunkPool(int maxRetained) => _maxRetainedBytes = (long)maxRetained * PartitionBuffer.ChunkSize;

    /// <summary>
    /// A chunk of the smallest pooled size that is at least <paramref name="minimumLength"/> and
    /// <paramref name="preferredLength"/>, or an unpooled array for a message larger than the largest chunk.
    /// </summary>
    public byte[] Rent(int minimumLength, int preferredLength = PartitionBuffer.ChunkSize)
    {
        if (minimumLength > PartitionBuffer.ChunkSize)
        {
            return GC.AllocateUninitializedArray<byte>(minimumLength);
        }

        var size = MinChunkSize;
        while (size < minimumLength || size < preferredLength)
        {
            size *= 2;
        }

        size = Math.Min(size, PartitionBuffer.ChunkSize);
        var sizeClass = ClassOf(size);
        if (_free[sizeClass].TryPop(out var chunk))
        {
            _retainedBytes -= chunk.Length;
            return chunk;
        }

        lock (Spare)
        {
            if (Spare[sizeClass].TryPop(out chunk))
            {
                s_spareBytes -= chunk.Length;
                return chunk;
            }
        }

        return GC.AllocateUninitializedArray<byte>(size, pinned: true);
    }

    public void Return(byte[] chunk)
    {
        if (chunk.Length <= PartitionBuffer.ChunkSize && _retainedBytes + chunk.Length <= _maxRetainedBytes)
        {
            _free[ClassOf(chunk.Length)].Push(chunk);
            _retainedBytes += chunk.Length;
        }
    }

    public void Dispose()
    {
        lock (Spare)
        {
            for (var sizeClass = 0; sizeClass < Classes; sizeClass++)
            {
                var free = _free[sizeClass];
                var size = MinChunkSize << sizeClass;
                while (s_spareBytes + size <= MaxSpareBytes && free.TryPop(out var chunk))
                {
                    Spare[sizeClass].Push(chunk);
                    s_spareBytes += size;
                }
            }
        }

        foreach (var free in _free)
        {
            free.Clear();
        }

        _retainedBytes = 0;
    }

    private static int ClassOf(int size) => System.Numerics.BitOperations.Log2((uint)size) - 12;
}
