namespace TypedKafka.Engine;

/// <summary>A message chosen for the batch being built, and the partition it comes from.</summary>
internal readonly record struct ReleasedMessage(int Partition, HeldMessage Message);

/// <summary>Sizes of the batch being built, summed while choosing its messages so the builder needs one pass.</summary>
internal record struct ReleaseTotals(int KeyBytes, int ValueBytes, int TopicBytes, int KeyNulls, int ValueNulls);
