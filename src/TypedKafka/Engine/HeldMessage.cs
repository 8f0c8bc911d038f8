namespace TypedKafka.Engine;

/// <summary>
/// A consumed message waiting for release. Its key and value bytes sit back to back in
/// <see cref="Chunk"/> from <see cref="Position"/>; a length of -1 means null.
/// </summary>
internal struct HeldMessage
{
    public long Offset;
    public long TimestampMs;
    public byte[] Chunk;
    public int Position;
    public int KeyLength;
    public int ValueLength;

    public readonly int PayloadBytes => Math.Max(KeyLength, 0) + Math.Max(ValueLength, 0);

    public readonly ReadOnlySpan<byte> Key => KeyLength < 0 ? default : Chunk.AsSpan(Position, KeyLength);

    public readonly ReadOnlySpan<byte> Value => ValueLength < 0 ? default : Chunk.AsSpan(Position + Math.Max(KeyLength, 0), ValueLength);
}
