using TypedKafka.Engine;

namespace TypedKafka.Kafka;

/// <summary>Turns a <see cref="ReplayEnd"/> into each partition's end bound.</summary>
internal static class ReplayBounds
{
    /// <param name="specs">The resolved replay ranges; their end offsets are the ends of the logs now.</param>
    /// <param name="until">The end of the read, or null for none.</param>
    /// <param name="now">When the consumer is created: a time bound already past ends at the log's current end too.</param>
    /// <param name="some">The specs are some of the partitions read (a group member's assignment): explicit offsets may name others.</param>
    public static List<PartitionSpec> Apply(List<PartitionSpec> specs, ReplayEnd? until, DateTimeOffset now, bool some = false)
    {
        switch (until)
        {
            case null:
                return specs;
            case ReplayEnd.EndOfLog:
                return [.. specs.Select(s => s with { BoundOffset = s.EndOffset })];
            case ReplayEnd.Time time:
                // A bound in the future is waited for, live; one in the past cannot be reached by anything produced from now on.
                var past = time.TimestampMs <= now.ToUnixTimeMilliseconds();
                return [.. specs.Select(s => s with { BoundMs = time.TimestampMs, BoundOffset = past ? s.EndOffset : long.MaxValue })];
            case ReplayEnd.PartitionOffsets offsets:
                var read = specs.Select(s => (s.Topic, s.Partition)).ToHashSet();
                var unknown = offsets.Ends.Keys.FirstOrDefault(k => !read.Contains(k));
                if (unknown.Topic is not null && !some)
                {
                    throw new ArgumentException(
                        $"ReplayEnd.Offsets names {unknown.Topic}[{unknown.Partition}], which is not a partition this consumer reads.", nameof(until));
                }

                return [.. specs.Select(s => s with { BoundOffset = offsets.Ends.TryGetValue((s.Topic, s.Partition), out var end) ? end : s.EndOffset })];
            default:
                throw new ArgumentOutOfRangeException(nameof(until), until, "Unsupported replay end.");
        }
    }
}
