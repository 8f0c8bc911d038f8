namespace TypedKafka.Engine;

/// <summary>
/// A partition to replay and its replay range <c>[StartOffset, EndOffset)</c>, both captured once
/// when the consumer is created. <c>StartOffset == EndOffset</c> means nothing to replay: live at once.
/// </summary>
internal readonly record struct PartitionSpec(string Topic, int Partition, long StartOffset, long EndOffset);
