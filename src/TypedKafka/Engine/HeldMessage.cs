namespace TypedKafka.Engine;

/// <summary>
/// A consumed message waiting for release. Its key and value bytes sit back to back in chunk
/// number <see cref="Chunk"/> of its partition's buffer, from <see cref="Position"/>; a length of
/// -1 means null. No references: arrays of these are neither scanned by the GC nor write-barriered.
/// </summary>
internal struct HeldMessage
{
    public long Offset;
    public long TimestampMs;

    /// <summary>The engine clock when the message was delivered: how long it has been held.</summary>
    public long ArrivalMs;
    public int Chunk;
    public int Position;
    public int KeyLength;
    public int ValueLength;

    public readonly int PayloadBytes => Math.Max(KeyLength, 0) + Math.Max(ValueLength, 0);
}
