namespace TypedKafka.Engine;

/// <summary>
/// A message chosen for the batch being built, with what the batch builder needs to write its row:
/// the chunk its bytes are in, its topic (an index into the engine's topic names) and its partition number.
/// The builder reads nothing of the engine's partition state, which with thousands of partitions
/// would be a cache miss or more per row.
/// </summary>
internal readonly record struct ReleasedMessage(byte[] Chunk, HeldMessage Message, int Topic, int Partition);

/// <summary>Sizes of the batch being built, summed while choosing its messages so the builder needs one pass.</summary>
internal record struct ReleaseTotals(int KeyBytes, int ValueBytes, int TopicBytes, int KeyNulls, int ValueNulls);
