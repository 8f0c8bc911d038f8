namespace TypedKafka.Engine;

/// <summary>
/// The engine's store of byte chunks for held messages. Chunks live as long as messages wait for
/// the watermark, often across many collections, so they are allocated on the pinned object heap
/// (the GC never copies them, as it would young arrays that survive) and uninitialised (every byte
/// read was written first). Single-threaded, like the engine.
/// </summary>
internal sealed class ChunkPool(int maxRetained)
{
    private readonly Stack<byte[]> _free = new();

    /// <summary>A chunk of <see cref="PartitionBuffer.ChunkSize"/> bytes, or an unpooled array for a message larger than that.</summary>
    public byte[] Rent(int minimumLength) =>
        minimumLength > PartitionBuffer.ChunkSize ? GC.AllocateUninitializedArray<byte>(minimumLength)
        : _free.TryPop(out var chunk) ? chunk
        : GC.AllocateUninitializedArray<byte>(PartitionBuffer.ChunkSize, pinned: true);

    public void Return(byte[] chunk)
    {
        if (chunk.Length == PartitionBuffer.ChunkSize && _free.Count < maxRetained)
        {
            _free.Push(chunk);
        }
    }
}
