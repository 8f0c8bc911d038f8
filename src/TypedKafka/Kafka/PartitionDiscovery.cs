using TypedKafka.Engine;

namespace TypedKafka.Kafka;

/// <summary>
/// Without a consumer group the consumer assigns partitions itself, so nobody tells it when a topic
/// gains some: every <see cref="ConsumerOptions.PartitionDiscoveryInterval"/> it reads the topics'
/// metadata, and a partition it does not read yet is added, from its topic's offset policy.
/// </summary>
internal sealed class PartitionDiscovery(IReadOnlyList<SourceTopic> topics, TimeSpan interval, ReplayEnd? until)
{
    private readonly long _intervalMs = (long)interval.TotalMilliseconds;
    private long _nextMs = long.MinValue;

    /// <summary>Whether a check is due at <paramref name="nowMs"/>; the first is one interval after the first poll.</summary>
    public bool Due(long nowMs)
    {
        if (_nextMs == long.MinValue)
        {
            _nextMs = nowMs + _intervalMs;
        }

        if (nowMs < _nextMs)
        {
            return false;
        }

        _nextMs = nowMs + _intervalMs;
        return true;
    }

    /// <summary>The replay ranges of partitions the topics have and <paramref name="engine"/> does not read, in topic order.</summary>
    public List<PartitionSpec> Find(OrderedMergeEngine engine, IOffsetSource source, DateTimeOffset now)
    {
        var found = new List<PartitionSpec>();
        foreach (var topic in topics)
        {
            var partitions = OffsetReads.Read(
                $"the partitions of topic '{topic.Name}'", source.RequestTimeout, () => source.Partitions(topic.Name), (a, b) => a.SequenceEqual(b));
            var fresh = partitions.Where(p => !engine.Holds(topic.Name, p)).ToList();
            if (fresh.Count > 0)
            {
                found.AddRange(ReplayBounds.Apply(OffsetResolver.ResolvePartitions(topic, fresh, source, now, committedFirst: false), until, now, some: true));
            }
        }

        return found;
    }
}
