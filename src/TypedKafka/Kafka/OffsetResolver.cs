using TypedKafka.Engine;

namespace TypedKafka.Kafka;

/// <summary>Turns each topic's policy into per-partition replay ranges <c>[start, end)</c>.</summary>
internal static class OffsetResolver
{
    public static List<PartitionSpec> Resolve(IReadOnlyList<SourceTopic> topics, IOffsetSource source, DateTimeOffset now)
    {
        var specs = new List<PartitionSpec>();
        foreach (var topic in topics)
        {
            var partitions = source.Partitions(topic.Name);
            var watermarks = partitions.ToDictionary(p => p, p => source.Watermarks(topic.Name, p));
            var starts = Starts(topic.Name, topic.Policy, partitions, watermarks, source, now);
            foreach (var partition in partitions)
            {
                var (low, high) = watermarks[partition];
                // An offset outside what the broker stores cannot be read: clamp into [low, high].
                var start = Math.Clamp(starts[partition], low, Math.Max(low, high));
                specs.Add(new PartitionSpec(topic.Name, partition, start, Math.Max(start, high)));
            }
        }

        return specs;
    }

    private static Dictionary<int, long> Starts(
        string topic,
        OffsetPolicy policy,
        IReadOnlyList<int> partitions,
        Dictionary<int, (long Low, long High)> watermarks,
        IOffsetSource source,
        DateTimeOffset now)
    {
        switch (policy)
        {
            case OffsetPolicy.Earliest:
                return partitions.ToDictionary(p => p, p => watermarks[p].Low);
            case OffsetPolicy.Latest:
                return partitions.ToDictionary(p => p, p => watermarks[p].High);
            case OffsetPolicy.RelativeTime relative:
                return ByTimestamp((now - relative.Lookback).ToUnixTimeMilliseconds());
            case OffsetPolicy.AbsoluteTime absolute:
                return ByTimestamp(absolute.TimestampMs);
            case OffsetPolicy.StartOfDay startOfDay:
                return ByTimestamp(startOfDay.LatestOccurrence(now).ToUnixTimeMilliseconds());
            case OffsetPolicy.Committed committed:
                var fallback = Starts(topic, committed.Fallback, partitions, watermarks, source, now);
                var offsets = source.Committed(topic, partitions);
                return partitions.ToDictionary(p => p, p => offsets.GetValueOrDefault(p) ?? fallback[p]);
            default:
                throw new ArgumentOutOfRangeException(nameof(policy), policy, $"Topic '{topic}': unsupported offset policy.");
        }

        Dictionary<int, long> ByTimestamp(long timestampMs)
        {
            // Before 1970 means "everything": Kafka's ListOffsets takes no negative target.
            var offsets = source.OffsetsForTimestamp(topic, partitions, Math.Max(0, timestampMs));
            return partitions.ToDictionary(p => p, p => offsets.GetValueOrDefault(p) ?? watermarks[p].High);
        }
    }
}
