namespace TypedKafka.Engine;

/// <summary>
/// What the engine's partition buffers are made of, pooled: byte chunks for the held messages'
/// bytes, and the rings of <see cref="HeldMessage"/> that index them. With thousands of partitions
/// each holds a small chunk and a small ring, and a fresh engine would otherwise allocate all of
/// them again (see <see cref="ChunkPool{T}"/> for how they outlive an engine).
/// </summary>
internal sealed class BufferPools(long maxRetainedBytes) : IDisposable
{
    /// <summary>The smallest chunk: a partition that holds a message or a few writes into one of these.</summary>
    public const int MinChunkSize = 1024;

    /// <summary>The largest pooled chunk; a message larger than this gets an array of its own.</summary>
    public const int ChunkSize = 64 * 1024;

    /// <summary>The smallest ring; with thousands of partitions most hold a few messages at a time.</summary>
    public const int MinRingLength = 8;

    /// <summary>Rings up to this many messages (3.5 MiB) are pooled; a partition that holds more grows its own.</summary>
    public const int MaxPooledRingLength = 64 * 1024;

    public ChunkPool<byte> Chunks { get; } = new(MinChunkSize, ChunkSize, maxRetainedBytes);

    public ChunkPool<HeldMessage> Rings { get; } = new(MinRingLength, MaxPooledRingLength, maxRetainedBytes);

    public void Dispose()
    {
        Chunks.Dispose();
        Rings.Dispose();
    }
}
