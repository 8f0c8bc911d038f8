using System.Globalization;
using TypedKafka.Engine;

namespace TypedKafka.Kafka;

/// <summary>
/// Turns each topic's policy into per-partition replay ranges <c>[start, end)</c>. Offsets are
/// never guessed: every read is checked, retried while its error passes, and fails construction otherwise.
/// </summary>
internal static class OffsetResolver
{
    public static List<PartitionSpec> Resolve(IReadOnlyList<SourceTopic> topics, IOffsetSource source, DateTimeOffset now)
    {
        var specs = new List<PartitionSpec>();
        foreach (var topic in topics)
        {
            var reader = new TopicReader(topic.Name, source);
            var partitions = reader.Partitions();
            var watermarks = reader.Watermarks(partitions);
            var starts = Starts(topic.Name, topic.Policy, partitions, watermarks, reader, now);
            foreach (var partition in partitions)
            {
                var (low, high) = watermarks[partition];
                // An offset outside what the broker stores cannot be read: clamp into [low, high].
                var start = Math.Clamp(starts[partition], low, high);
                specs.Add(new PartitionSpec(topic.Name, partition, start, high));
            }
        }

        return specs;
    }

    /// <summary>
    /// The replay ranges of some partitions of one topic, read now: a consumer group member's new
    /// assignment, or partitions a topic gained. With <paramref name="committedFirst"/> a partition
    /// starts at the group's committed offset where there is one, else by the topic's policy. A
    /// committed offset the log no longer holds is kept as the start, not moved up to the oldest
    /// offset: the client then reports the position out of range and the loss is handled as any
    /// other (<see cref="ConsumerOptions.FailOnDataLoss"/>), never skipped silently.
    /// </summary>
    public static List<PartitionSpec> ResolvePartitions(SourceTopic topic, IReadOnlyList<int> partitions, IOffsetSource source, DateTimeOffset now, bool committedFirst)
    {
        var reader = new TopicReader(topic.Name, source);
        var watermarks = reader.Watermarks(partitions);
        var policy = topic.Policy is OffsetPolicy.Committed committedPolicy ? committedPolicy.Fallback : topic.Policy;
        var fallback = Starts(topic.Name, policy, partitions, watermarks, reader, now);
        var committed = committedFirst || topic.Policy is OffsetPolicy.Committed ? reader.Committed(partitions) : null;
        return [.. partitions.Select(p =>
        {
            var (low, high) = watermarks[p];
            var start = committed?.GetValueOrDefault(p) is { } offset ? Math.Min(offset, high) : Math.Clamp(fallback[p], low, high);
            return new PartitionSpec(topic.Name, p, start, high);
        })];
    }

    private static Dictionary<int, long> Starts(
        string topic,
        OffsetPolicy policy,
        IReadOnlyList<int> partitions,
        IReadOnlyDictionary<int, (long Low, long High)> watermarks,
        TopicReader reader,
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
                var fallback = Starts(topic, committed.Fallback, partitions, watermarks, reader, now);
                var offsets = reader.Committed(partitions);
                return partitions.ToDictionary(p => p, p => offsets.GetValueOrDefault(p) ?? fallback[p]);
            default:
                throw new ArgumentOutOfRangeException(nameof(policy), policy, $"Topic '{topic}': unsupported offset policy.");
        }

        Dictionary<int, long> ByTimestamp(long timestampMs)
        {
            // Before 1970 means "everything": Kafka's ListOffsets takes no negative target.
            var target = Math.Max(0, timestampMs);
            var offsets = reader.OffsetsForTimestamp(partitions, target);
            CheckTimeLookup(topic, policy, target, partitions.Where(p => offsets.GetValueOrDefault(p) is null).ToList(), watermarks, reader);
            return partitions.ToDictionary(p => p, p => offsets.GetValueOrDefault(p) ?? watermarks[p].High);
        }
    }

    /// <summary>
    /// Kafka answers "no offset" for a time only where every message of the partition is older. A
    /// broker that also answers none for time 0 on a partition that holds messages cannot look offsets
    /// up by time at all (librdkafka's mock brokers, so <c>LocalKafkaCluster</c>): starting such a
    /// partition at its end would skip its history without a word, so this throws instead.
    /// An empty partition tells nothing either way; there the end is the right start anyway.
    /// </summary>
    private static void CheckTimeLookup(
        string topic, OffsetPolicy policy, long targetMs, IReadOnlyList<int> unanswered, IReadOnlyDictionary<int, (long Low, long High)> watermarks, TopicReader reader)
    {
        var holding = unanswered.Where(p => watermarks[p].Low < watermarks[p].High).ToList();
        if (holding.Count == 0)
        {
            return;
        }

        var fromStart = targetMs == 0 ? null : reader.OffsetsForTimestamp(holding, 0);
        foreach (var partition in holding)
        {
            if (fromStart?.GetValueOrDefault(partition) is not null)
            {
                continue;
            }

            var (low, high) = watermarks[partition];
            var time = DateTimeOffset.FromUnixTimeMilliseconds(targetMs).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
            var asked = string.Create(CultureInfo.InvariantCulture, $"Asked for the first offset at or after {time} ({targetMs} ms) for the policy {policy}, it answered none");
            var held = string.Create(CultureInfo.InvariantCulture, $"though the partition holds offsets {low} to {high - 1}");
            throw new NotSupportedException(
                $"Topic '{topic}' partition {partition}: the cluster cannot look up offsets by time. {asked}, and none for time 0 either, {held}. "
                + "Time-based policies need brokers that implement ListOffsets by timestamp (Apache Kafka's do; the embedded LocalKafkaCluster's do not): "
                + "use earliest, latest or committed with this cluster.");
        }
    }

    /// <summary>One topic's reads, each through <see cref="OffsetReads"/> and checked for answers that cannot be true.</summary>
    private sealed class TopicReader(string topic, IOffsetSource source)
    {
        public IReadOnlyList<int> Partitions() =>
            OffsetReads.Read($"the partitions of topic '{topic}'", source.RequestTimeout, () => source.Partitions(topic), (a, b) => a.SequenceEqual(b));

        public IReadOnlyDictionary<int, (long Low, long High)> Watermarks(IReadOnlyList<int> partitions) =>
            OffsetReads.Read(
                $"the watermarks of topic '{topic}'",
                source.RequestTimeout,
                () => source.Watermarks(topic, partitions),
                // A log only grows at its end and only loses its head: a later read never goes back.
                agree: (earlier, later) => partitions.All(p => later[p].Low >= earlier[p].Low && later[p].High >= earlier[p].High),
                invalid: answer => partitions
                    .Select(p => answer.TryGetValue(p, out var w)
                        ? w.Low < 0 || w.Low > w.High ? $"{topic}[{p}]: the cluster answered the watermarks low {w.Low}, high {w.High}" : null
                        : $"{topic}[{p}]: the cluster answered no watermarks")
                    .FirstOrDefault(problem => problem is not null));

        public IReadOnlyDictionary<int, long?> OffsetsForTimestamp(IReadOnlyList<int> partitions, long timestampMs) =>
            OffsetReads.Read(
                $"the offsets of topic '{topic}' at {timestampMs} ms",
                source.RequestTimeout,
                () => source.OffsetsForTimestamp(topic, partitions, timestampMs),
                SameOffsets(partitions),
                NegativeOffset(partitions, "offset at that time"));

        public IReadOnlyDictionary<int, long?> Committed(IReadOnlyList<int> partitions) =>
            OffsetReads.Read(
                $"the committed offsets of topic '{topic}'",
                source.RequestTimeout,
                () => source.Committed(topic, partitions),
                SameOffsets(partitions),
                NegativeOffset(partitions, "committed offset"));

        private static Func<IReadOnlyDictionary<int, long?>, IReadOnlyDictionary<int, long?>, bool> SameOffsets(IReadOnlyList<int> partitions) =>
            (a, b) => partitions.All(p => a.GetValueOrDefault(p) == b.GetValueOrDefault(p));

        private Func<IReadOnlyDictionary<int, long?>, string?> NegativeOffset(IReadOnlyList<int> partitions, string what) =>
            answer => partitions
                .Where(p => answer.GetValueOrDefault(p) < 0)
                .Select(p => $"{topic}[{p}]: the cluster answered the {what} {answer[p]}")
                .FirstOrDefault();
    }
}
