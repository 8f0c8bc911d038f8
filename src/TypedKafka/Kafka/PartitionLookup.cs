using TypedKafka.Engine;

namespace TypedKafka.Kafka;

/// <summary>
/// Maps a consumed message's topic and partition to the engine's partition index, once per
/// message: a short scan over the few topic names (ordinal compare, no hashing) and an array index.
/// </summary>
internal sealed class PartitionLookup
{
    private readonly string[] _topics;
    private readonly int[][] _indexes;

    public PartitionLookup(OrderedMergeEngine engine)
    {
        var byTopic = Enumerable.Range(0, engine.PartitionCount)
            .Select(i => (Index: i, Spec: engine.Partition(i)))
            .GroupBy(p => p.Spec.Topic, StringComparer.Ordinal)
            .ToList();
        _topics = [.. byTopic.Select(g => g.Key)];
        _indexes = [.. byTopic.Select(g =>
        {
            var indexes = Enumerable.Repeat(-1, g.Max(p => p.Spec.Partition) + 1).ToArray();
            foreach (var (index, spec) in g)
            {
                indexes[spec.Partition] = index;
            }

            return indexes;
        })];
    }

    /// <summary>The topic, when the consumer reads just one; null otherwise.</summary>
    public string? OnlyTopic => _topics.Length == 1 ? _topics[0] : null;

    /// <summary>
    /// The engine index, or -1 for a partition the engine does not track. With one topic the
    /// client does not marshal topic names, so <paramref name="topic"/> is null and not needed.
    /// </summary>
    public int IndexOf(string? topic, int partition)
    {
        for (var t = 0; t < _topics.Length; t++)
        {
            if (_topics.Length == 1 || string.Equals(_topics[t], topic, StringComparison.Ordinal))
            {
                var indexes = _indexes[t];
                return (uint)partition < (uint)indexes.Length ? indexes[partition] : -1;
            }
        }

        return -1;
    }
}
