namespace TypedKafka;

/// <summary>A message that could not be decoded, kept with everything needed to find or replay it.</summary>
/// <param name="Row">The row of <see cref="TypedBatch{T, TKey}.RecordBatch"/> that holds it.</param>
/// <param name="Topic">The topic it was read from.</param>
/// <param name="Partition">Its partition.</param>
/// <param name="Offset">Its offset.</param>
/// <param name="RawValue">The value bytes as they arrived; null for a tombstone.</param>
/// <param name="Reason">Why it could not be decoded, naming the member where one is at fault.</param>
public sealed record PayloadError(int Row, string Topic, int Partition, long Offset, ReadOnlyMemory<byte>? RawValue, string Reason);
