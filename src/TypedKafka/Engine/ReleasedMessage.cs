namespace TypedKafka.Engine;

/// <summary>A message chosen for the batch being built: the <paramref name="Index"/>-th held message of partition <paramref name="Partition"/>.</summary>
internal readonly record struct ReleasedMessage(int Partition, int Index);
