using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace TypedKafka.Cli.Commands;

/// <summary>One partition as <c>typedkafka topics</c> shows it. <see cref="First"/> and <see cref="Last"/> are read only with --times.</summary>
internal sealed record PartitionSummary(string Topic, int Partition, int Leader, long Low, long High)
{
    /// <summary>Offsets in the log, high - low: compaction and transaction markers make the real count smaller.</summary>
    public long Messages => High - Low;

    /// <summary>The first message at or after <see cref="Low"/>; null when the partition is empty or none was read within the wait.</summary>
    public MessageAt? First { get; init; }

    /// <summary>The last message before <see cref="High"/>; null as <see cref="First"/>.</summary>
    public MessageAt? Last { get; init; }
}

/// <summary>A message's position and time; <see cref="Timestamp"/> is null when the message carries none.</summary>
internal sealed record MessageAt(long Offset, DateTimeOffset? Timestamp);

/// <summary>Reads topics' partitions, leaders and watermarks, and optionally their first and last messages' times.</summary>
internal sealed class TopicsReader(IReadOnlyDictionary<string, string> config)
{
    /// <summary>The longest any one request or scan may take: a partition not read by then shows as unknown.</summary>
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    // How far back from the high watermark to look for the last message, in turn: the offset before
    // it is a transaction marker, not a message, whenever a transactional producer wrote last.
    private static readonly long[] LastMessageLookbacks = [1, 100, 10_000];

    private string Bootstrap => config["bootstrap.servers"];

    /// <summary>Every partition of <paramref name="topics"/> (all non-internal topics when empty), in the order given, partitions ascending.</summary>
    /// <exception cref="ArgumentException">A topic does not exist; the message names every one that does not.</exception>
    public IReadOnlyList<PartitionSummary> Read(IReadOnlyList<string> topics, bool withTimes, CancellationToken cancellation)
    {
        var settings = new ConsumerConfig(config.ToDictionary())
        {
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
        settings.GroupId ??= $"typedkafka-topics-{Guid.NewGuid():N}";

        // The client's own log lines would interleave with the table; failures surface as exceptions or timeouts.
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(settings).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();

        var partitions = Partitions(admin, topics);
        var watermarks = Watermarks(admin, partitions);
        var summaries = partitions.Select(p =>
        {
            var (low, high) = watermarks[p.Partition];
            return new PartitionSummary(p.Partition.Topic, p.Partition.Partition.Value, p.Leader, low, high);
        }).ToList();
        if (!withTimes)
        {
            return summaries;
        }

        var nonEmpty = summaries.Where(s => s.Messages > 0).ToList();
        var first = Scan(consumer, nonEmpty.ToDictionary(Key, s => s.Low), toEnd: false, cancellation);
        var last = new Dictionary<TopicPartition, MessageAt?>();
        var previous = 0L;
        foreach (var lookback in LastMessageLookbacks)
        {
            // Looked at again: partitions whose end was reached without a message, unless the previous look began at the low watermark.
            var again = nonEmpty.Where(s => (previous == 0 || (last.TryGetValue(Key(s), out var m) && m is null)) && s.Messages > previous).ToList();
            previous = lookback;
            foreach (var (partition, message) in Scan(consumer, again.ToDictionary(Key, s => Math.Max(s.Low, s.High - lookback)), toEnd: true, cancellation))
            {
                last[partition] = message;
            }
        }

        return [.. summaries.Select(s => s with { First = first.GetValueOrDefault(Key(s)), Last = last.GetValueOrDefault(Key(s)) })];
    }

    private static TopicPartition Key(PartitionSummary s) => new(s.Topic, s.Partition);

    private List<(TopicPartition Partition, int Leader)> Partitions(IAdminClient admin, IReadOnlyList<string> topics)
    {
        Metadata metadata;
        try
        {
            // All topics in one request: asking for a topic by name can create it on brokers that auto-create topics.
            metadata = admin.GetMetadata(Wait);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not read the topics of the cluster at '{Bootstrap}' within {Wait.TotalSeconds:0} s: {e.Error.Reason}"), e);
        }

        var byName = metadata.Topics.ToDictionary(t => t.Topic, StringComparer.Ordinal);
        var unknown = topics.Where(t => !byName.TryGetValue(t, out var found) || found.Error.Code == ErrorCode.UnknownTopicOrPart).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(unknown.Count == 1
                ? $"Topic '{unknown[0]}' does not exist on the cluster at '{Bootstrap}'."
                : $"Topics {string.Join(", ", unknown.Select(t => $"'{t}'"))} do not exist on the cluster at '{Bootstrap}'.");
        }

        // Internal topics (__consumer_offsets, __transaction_state) by the convention that names them.
        var chosen = topics.Count > 0
            ? topics.Distinct(StringComparer.Ordinal).Select(t => byName[t])
            : metadata.Topics.Where(t => !t.Topic.StartsWith("__", StringComparison.Ordinal)).OrderBy(t => t.Topic, StringComparer.Ordinal);
        var result = new List<(TopicPartition, int)>();
        foreach (var topic in chosen)
        {
            if (topic.Error.IsError)
            {
                throw new KafkaException(new Error(topic.Error.Code, $"Topic '{topic.Topic}': {topic.Error.Reason}"));
            }

            result.AddRange(topic.Partitions.OrderBy(p => p.PartitionId).Select(p => (new TopicPartition(topic.Topic, p.PartitionId), p.Leader)));
        }

        return result;
    }

    private static Dictionary<TopicPartition, (long Low, long High)> Watermarks(IAdminClient admin, List<(TopicPartition Partition, int Leader)> partitions)
    {
        if (partitions.Count == 0)
        {
            return [];
        }

        // Two requests: one ListOffsets request cannot ask for the same partition twice.
        var low = ListOffsets(admin, partitions, OffsetSpec.Earliest(), "low watermark");
        var high = ListOffsets(admin, partitions, OffsetSpec.Latest(), "high watermark");
        return partitions.ToDictionary(p => p.Partition, p => (low[p.Partition], high[p.Partition]));
    }

    private static Dictionary<TopicPartition, long> ListOffsets(IAdminClient admin, List<(TopicPartition Partition, int Leader)> partitions, OffsetSpec spec, string what)
    {
        var request = partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = p.Partition, OffsetSpec = spec });

        // The log's own end, as kcat -Q shows it, not the last stable offset a read_committed consumer stops at.
        var options = new ListOffsetsOptions { RequestTimeout = Wait, IsolationLevel = IsolationLevel.ReadUncommitted };
        try
        {
            return admin.ListOffsetsAsync(request, options).GetAwaiter().GetResult().ResultInfos
                .ToDictionary(r => r.TopicPartitionOffsetError.TopicPartition, r => r.TopicPartitionOffsetError.Offset.Value);
        }
        catch (ListOffsetsException e) when (e.Result.ResultInfos.FirstOrDefault(r => r.TopicPartitionOffsetError.Error.IsError) is { } failed)
        {
            var error = failed.TopicPartitionOffsetError;
            throw new KafkaException(new Error(error.Error.Code, $"Could not read the {what} of {error.Topic}[{error.Partition.Value}]: {error.Error.Reason}"), e);
        }
    }

    /// <summary>
    /// Reads from each start: the first message, or with <paramref name="toEnd"/> the last message
    /// before the end; null when the end came first. Partitions not done within <see cref="Wait"/>
    /// are left out.
    /// </summary>
    private static Dictionary<TopicPartition, MessageAt?> Scan(IConsumer<Ignore, Ignore> consumer, Dictionary<TopicPartition, long> starts, bool toEnd, CancellationToken cancellation)
    {
        var found = new Dictionary<TopicPartition, MessageAt?>();
        if (starts.Count == 0)
        {
            return found;
        }

        var done = new HashSet<TopicPartition>();
        consumer.Assign(starts.Select(s => new TopicPartitionOffset(s.Key, s.Value)));
        var deadline = DateTime.UtcNow + Wait;
        try
        {
            while (done.Count < starts.Count && DateTime.UtcNow < deadline)
            {
                cancellation.ThrowIfCancellationRequested();
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null || !starts.ContainsKey(result.TopicPartition) || done.Contains(result.TopicPartition))
                {
                    continue;
                }

                if (result.IsPartitionEOF)
                {
                    done.Add(result.TopicPartition);
                    found.TryAdd(result.TopicPartition, null);
                    continue;
                }

                var timestamp = result.Message.Timestamp;
                found[result.TopicPartition] = new MessageAt(
                    result.Offset.Value,
                    timestamp.Type == TimestampType.NotAvailable ? null : DateTimeOffset.FromUnixTimeMilliseconds(timestamp.UnixTimestampMs));
                if (!toEnd)
                {
                    // Paused: no more of it is fetched while the other partitions are read.
                    done.Add(result.TopicPartition);
                    consumer.Pause([result.TopicPartition]);
                }
            }
        }
        finally
        {
            // A partition stays paused across Unassign and Assign: the next scan of it would wait in vain.
            consumer.Resume(starts.Keys);
            consumer.Unassign();
        }

        // A message read before the wait ran out may not be the last one: only what reached the end counts.
        return found.Where(f => done.Contains(f.Key)).ToDictionary();
    }
}
