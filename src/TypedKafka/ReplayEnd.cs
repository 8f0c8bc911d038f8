using Confluent.Kafka;

namespace TypedKafka;

/// <summary>
/// Where a bounded replay ends (<see cref="ConsumerOptions.Until"/>): exactly the messages before
/// the end are released, in timestamp order, then the consumer reports
/// <see cref="ConsumerManager.IsComplete"/>. A closed hierarchy: match on the nested records.
/// </summary>
public abstract record ReplayEnd
{
    // Private so that the nested records below are the only ends there are.
    private ReplayEnd()
    {
    }

    /// <summary>Each partition ends at the end of its log as it was when the consumer was created: nothing produced afterwards is released.</summary>
    public static ReplayEnd EndOffsets { get; } = new EndOfLog();

    /// <summary>Exactly the messages with a timestamp before <paramref name="time"/> (exclusive).</summary>
    public static ReplayEnd At(DateTimeOffset time) => AtMs(time.ToUnixTimeMilliseconds());

    /// <summary>Exactly the messages with a timestamp before <paramref name="timestampMs"/> (Unix milliseconds, exclusive).</summary>
    public static ReplayEnd AtMs(long timestampMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timestampMs);
        return new Time(timestampMs);
    }

    /// <summary>
    /// Explicit end offsets, exclusive, per partition (as Spark's <c>endingOffsets</c>); a partition
    /// not listed ends at the end of its log when the consumer was created.
    /// </summary>
    public static ReplayEnd Offsets(IEnumerable<TopicPartitionOffset> endOffsets)
    {
        ArgumentNullException.ThrowIfNull(endOffsets);
        var ends = new Dictionary<(string Topic, int Partition), long>();
        foreach (var end in endOffsets)
        {
            ArgumentNullException.ThrowIfNull(end, nameof(endOffsets));
            if (end.Offset.IsSpecial || end.Offset.Value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(endOffsets), end.Offset.Value, $"{end.Topic}[{end.Partition.Value}]: an end offset must be a real offset, 0 or more.");
            }

            if (!ends.TryAdd((end.Topic, end.Partition.Value), end.Offset.Value))
            {
                throw new ArgumentException($"{end.Topic}[{end.Partition.Value}] is given two end offsets.", nameof(endOffsets));
            }
        }

        return new PartitionOffsets(ends);
    }

    /// <summary>The end of each partition's log when the consumer was created.</summary>
    public sealed record EndOfLog : ReplayEnd;

    /// <summary>Messages stamped before <paramref name="TimestampMs"/> (Unix ms); a partition ends at its first message at or past it.</summary>
    public sealed record Time(long TimestampMs) : ReplayEnd;

    /// <summary>Explicit exclusive end offsets per partition.</summary>
    public sealed record PartitionOffsets(IReadOnlyDictionary<(string Topic, int Partition), long> Ends) : ReplayEnd;
}
