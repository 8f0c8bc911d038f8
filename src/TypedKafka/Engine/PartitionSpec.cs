namespace TypedKafka.Engine;

/// <summary>
/// A partition to replay and its replay range <c>[StartOffset, EndOffset)</c>, both captured once
/// when the consumer is created. <c>StartOffset == EndOffset</c> means nothing to replay: live at once.
/// A bounded read also ends the partition for good at <see cref="BoundOffset"/> (exclusive) or at
/// its first message stamped at or past <see cref="BoundMs"/>; <see cref="long.MaxValue"/> means no such bound.
/// </summary>
internal readonly record struct PartitionSpec(
    string Topic,
    int Partition,
    long StartOffset,
    long EndOffset,
    long BoundOffset = long.MaxValue,
    long BoundMs = long.MaxValue)
{
    public bool IsBounded => BoundOffset != long.MaxValue || BoundMs != long.MaxValue;
}
