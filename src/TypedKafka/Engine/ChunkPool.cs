namespace TypedKafka.Engine;

/// <summary>
/// The engine's store of byte chunks for held messages. Chunks live as long as messages wait for
/// the watermark, often across many collections, so they are allocated on the pinned object heap
/// (the GC never copies them, as it would young arrays that survive) and uninitialised (every byte
/// read was written first). An engine keeps its free chunks up to its held-byte bound; when it is
/// disposed they go to a small process-wide spare set that the next engine draws from first, so a
/// process that replays again and again (a restarted hosted consumer, a test suite) allocates none.
/// Rent and Return are single-threaded, like the engine.
/// </summary>
internal sealed class ChunkPool(int maxRetained) : IDisposable
{
    private const int MaxSpare = 256; // 16 MiB kept for the next engine.
    private static readonly Stack<byte[]> Spare = new();
    private readonly Stack<byte[]> _free = new();

    /// <summary>A chunk of <see cref="PartitionBuffer.ChunkSize"/> bytes, or an unpooled array for a message larger than that.</summary>
    public byte[] Rent(int minimumLength)
    {
        if (minimumLength > PartitionBuffer.ChunkSize)
        {
            return GC.AllocateUninitializedArray<byte>(minimumLength);
        }

        if (_free.TryPop(out var chunk))
        {
            return chunk;
        }

        lock (Spare)
        {
            if (Spare.TryPop(out chunk))
            {
                return chunk;
            }
        }

        return GC.AllocateUninitializedArray<byte>(PartitionBuffer.ChunkSize, pinned: true);
    }

    public void Return(byte[] chunk)
    {
        if (chunk.Length == PartitionBuffer.ChunkSize && _free.Count < maxRetained)
        {
            _free.Push(chunk);
        }
    }

    public void Dispose()
    {
        lock (Spare)
        {
            while (Spare.Count < MaxSpare && _free.TryPop(out var chunk))
            {
                Spare.Push(chunk);
            }
        }

        _free.Clear();
    }
}
