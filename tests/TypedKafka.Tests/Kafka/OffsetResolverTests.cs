using System.Diagnostics;
using Confluent.Kafka;
using TypedKafka.Engine;
using TypedKafka.Kafka;

namespace TypedKafka.Tests.Kafka;

/// <summary>Offset policies resolved against a fake cluster that answers as Kafka does.</summary>
public sealed class OffsetResolverTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);
    private static readonly long NowMs = Now.ToUnixTimeMilliseconds();

    // Partition 0: offsets 10..19, one message a minute ending at Now-1min. Partition 1: empty log at offset 3.
    private static FakeCluster Cluster() => new FakeCluster()
        .Topic("events", [Enumerable.Range(0, 10).Select(i => (10L + i, NowMs - ((10 - i) * 60_000L))).ToList(), []], lowOffsets: [10, 3]);

    private static PartitionSpec Resolve(SourceTopic topic, FakeCluster? cluster = null, int partition = 0) =>
        OffsetResolver.Resolve([topic], cluster ?? Cluster(), Now).Single(s => s.Partition == partition);

    [Fact]
    public void Earliest_starts_at_the_oldest_stored_offset_and_ends_at_the_high_watermark()
    {
        Assert.Equal(new PartitionSpec("events", 0, 10, 20), Resolve(SourceTopic.FromEarliest("events")));
    }

    [Fact]
    public void Latest_is_an_empty_replay_range_at_the_high_watermark()
    {
        Assert.Equal(new PartitionSpec("events", 0, 20, 20), Resolve(SourceTopic.FromLatest("events")));
    }

    [Fact]
    public void Relative_time_starts_at_the_first_message_at_or_after_now_minus_the_look_back()
    {
        // Messages are at Now-10min .. Now-1min: Now-3min is offset 17.
        Assert.Equal(17, Resolve(SourceTopic.FromRelativeTime("events", TimeSpan.FromMinutes(3))).StartOffset);
        Assert.Equal(17, Resolve(SourceTopic.FromRelativeTime("events", TimeSpan.FromMinutes(3.5))).StartOffset);
    }

    [Fact]
    public void A_time_after_the_last_message_starts_at_the_end()
    {
        Assert.Equal(new PartitionSpec("events", 0, 20, 20), Resolve(SourceTopic.FromRelativeTime("events", TimeSpan.Zero)));
        Assert.Equal(new PartitionSpec("events", 0, 20, 20), Resolve(SourceTopic.FromAbsoluteTime("events", NowMs + 1)));
    }

    [Fact]
    public void A_time_before_the_first_message_starts_at_the_oldest()
    {
        Assert.Equal(10, Resolve(SourceTopic.FromAbsoluteTime("events", 0)).StartOffset);
        Assert.Equal(10, Resolve(SourceTopic.FromRelativeTime("events", TimeSpan.FromDays(365 * 60))).StartOffset);
    }

    [Fact]
    public void Absolute_time_matches_a_timestamp_exactly()
    {
        Assert.Equal(15, Resolve(SourceTopic.FromAbsoluteTime("events", NowMs - (5 * 60_000))).StartOffset);
    }

    [Fact]
    public void Start_of_day_resolves_through_the_zone()
    {
        // 11:55 UTC is 06:55 in New York (EST): the latest 06:55 there is five minutes ago, offset 15.
        Assert.Equal(15, Resolve(SourceTopic.FromStartOfDay("events", new TimeOnly(6, 55), "America/New_York")).StartOffset);
    }

    [Fact]
    public void Committed_offsets_win_where_the_group_has_them_and_the_fallback_elsewhere()
    {
        var cluster = Cluster().WithCommitted("events", 0, 14);
        var specs = OffsetResolver.Resolve([SourceTopic.FromCommitted("events", new OffsetPolicy.Latest())], cluster, Now);
        Assert.Equal([new PartitionSpec("events", 0, 14, 20), new PartitionSpec("events", 1, 3, 3)], specs);
    }

    [Fact]
    public void A_committed_offset_deleted_by_retention_is_clamped_to_the_oldest_stored()
    {
        var cluster = Cluster().WithCommitted("events", 0, 2);
        Assert.Equal(10, Resolve(SourceTopic.FromCommitted("events", new OffsetPolicy.Latest()), cluster).StartOffset);
    }

    [Fact]
    public void An_empty_partition_is_an_empty_range_under_every_policy()
    {
        SourceTopic[] topics =
        [
            SourceTopic.FromEarliest("events"), SourceTopic.FromLatest("events"), SourceTopic.FromAbsoluteTime("events", 0),
            SourceTopic.FromCommitted("events", new OffsetPolicy.Earliest()),
        ];
        Assert.All(topics, t => Assert.Equal(new PartitionSpec("events", 1, 3, 3), Resolve(t, partition: 1)));
    }

    [Fact]
    public void Several_topics_keep_their_order_and_their_own_policies()
    {
        var cluster = Cluster().Topic("prices", [[(0L, NowMs - 1000)]], lowOffsets: [0]);
        var specs = OffsetResolver.Resolve([SourceTopic.FromLatest("prices"), SourceTopic.FromEarliest("events")], cluster, Now);
        Assert.Equal(["prices", "events", "events"], specs.Select(s => s.Topic));
        Assert.Equal(new PartitionSpec("prices", 0, 1, 1), specs[0]);
    }

    [Fact]
    public void An_unknown_topic_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => Resolve(SourceTopic.FromEarliest("missing")));
        Assert.Contains("'missing'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_passing_error_is_retried_until_the_cluster_answers()
    {
        var cluster = Cluster().FailWatermarks(ErrorCode.NotLeaderForPartition, ErrorCode.LeaderNotAvailable);
        Assert.Equal(new PartitionSpec("events", 0, 10, 20), Resolve(SourceTopic.FromEarliest("events"), cluster));
        // Two failures, then an answer and the second one that confirms it.
        Assert.Equal(4, cluster.WatermarkReads);
    }

    [Fact]
    public void An_answer_after_an_error_counts_only_once_a_second_read_agrees()
    {
        // librdkafka's watermark query answered high..high after a failed request: trusting it skipped the history.
        var cluster = Cluster().FailWatermarks(ErrorCode.UnknownTopicOrPart).AnswerWatermarksOnce(0, (20, 20));
        Assert.Equal(new PartitionSpec("events", 0, 10, 20), Resolve(SourceTopic.FromEarliest("events"), cluster));
        Assert.Equal(4, cluster.WatermarkReads);
    }

    [Fact]
    public void A_refused_read_fails_at_once_naming_the_partition_and_the_error()
    {
        var cluster = Cluster().FailWatermarks(ErrorCode.TopicAuthorizationFailed);
        var error = Assert.Throws<KafkaException>(() => Resolve(SourceTopic.FromEarliest("events"), cluster));
        Assert.Equal(ErrorCode.TopicAuthorizationFailed, error.Error.Code);
        Assert.Contains("events[0]", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, cluster.WatermarkReads);
    }

    [Fact]
    public void A_passing_error_that_lasts_the_request_timeout_fails_naming_the_partition()
    {
        var cluster = Cluster().FailWatermarks([.. Enumerable.Repeat(ErrorCode.NotLeaderForPartition, 1000)]);
        cluster.RequestTimeout = TimeSpan.FromMilliseconds(300);
        var clock = Stopwatch.StartNew();
        var error = Assert.Throws<KafkaException>(() => Resolve(SourceTopic.FromEarliest("events"), cluster));
        Assert.Equal(ErrorCode.NotLeaderForPartition, error.Error.Code);
        Assert.Contains("events[0]", error.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"Gave up after {clock.Elapsed}.");
        Assert.True(cluster.WatermarkReads > 1, "Not retried.");
    }

    [Fact]
    public void Watermarks_with_the_low_above_the_high_are_never_trusted()
    {
        var cluster = Cluster().AnswerWatermarksOnce(0, (30, 20), times: 1000);
        cluster.RequestTimeout = TimeSpan.FromMilliseconds(300);
        var error = Assert.Throws<KafkaException>(() => Resolve(SourceTopic.FromEarliest("events"), cluster));
        Assert.Contains("events[0]", error.Message, StringComparison.Ordinal);
        Assert.Contains("low 30, high 20", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_committed_offset_read_retries_a_passing_error()
    {
        var cluster = Cluster().WithCommitted("events", 0, 14).FailCommitted(ErrorCode.GroupLoadInProgress);
        Assert.Equal(14, Resolve(SourceTopic.FromCommitted("events", new OffsetPolicy.Latest()), cluster).StartOffset);
    }

    [Theory]
    [InlineData(1_795_000_000_000L)]
    [InlineData(0L)]
    public void A_cluster_that_cannot_look_up_offsets_by_time_fails_naming_the_topic_partition_and_time(long target)
    {
        var cluster = new FakeCluster { CannotLookUpByTime = true }
            .Topic("events", [Enumerable.Range(0, 10).Select(i => (10L + i, NowMs - ((10 - i) * 60_000L))).ToList(), []], lowOffsets: [10, 3]);

        var error = Assert.Throws<NotSupportedException>(() => Resolve(SourceTopic.FromAbsoluteTime("events", target), cluster));

        Assert.Contains("Topic 'events' partition 0: the cluster cannot look up offsets by time", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{DateTimeOffset.FromUnixTimeMilliseconds(target):yyyy-MM-ddTHH:mm:ss.fffZ} ({target} ms)", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds offsets 10 to 19", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_that_cannot_look_up_offsets_by_time_starts_an_empty_topic_at_its_end()
    {
        // Nothing to skip: an empty partition starts at its end whatever the broker can look up.
        var cluster = new FakeCluster { CannotLookUpByTime = true }.Topic("events", [[], []], lowOffsets: [5, 3]);
        var specs = OffsetResolver.Resolve([SourceTopic.FromAbsoluteTime("events", NowMs - 1000)], cluster, Now);
        Assert.Equal([new PartitionSpec("events", 0, 5, 5), new PartitionSpec("events", 1, 3, 3)], specs);
    }

    [Fact]
    public void A_gained_partition_starts_at_the_groups_committed_offset_else_by_its_topics_policy()
    {
        var cluster = Cluster().WithCommitted("events", 0, 14);

        var specs = OffsetResolver.ResolvePartitions(SourceTopic.FromLatest("events"), [0, 1], cluster, Now, committedFirst: true);

        Assert.Equal([new PartitionSpec("events", 0, 14, 20), new PartitionSpec("events", 1, 3, 3)], specs);
    }

    [Fact]
    public void A_committed_offset_the_log_no_longer_holds_is_kept_as_the_start_so_that_the_loss_is_seen()
    {
        var cluster = Cluster().WithCommitted("events", 0, 5);

        var spec = OffsetResolver.ResolvePartitions(SourceTopic.FromEarliest("events"), [0], cluster, Now, committedFirst: true).Single();

        Assert.Equal(new PartitionSpec("events", 0, 5, 20), spec);
    }

    [Fact]
    public void Discovery_finds_the_partitions_a_topic_gained_and_starts_them_by_its_policy_not_a_commit()
    {
        var cluster = Cluster();
        using var engine = new OrderedMergeEngine(OffsetResolver.Resolve([SourceTopic.FromLatest("events")], cluster, Now), new EngineOptions(NowMs));
        var discovery = new PartitionDiscovery([SourceTopic.FromLatest("events")], TimeSpan.FromMinutes(1), until: null);
        Assert.Empty(discovery.Find(engine, cluster, Now));

        cluster.Topic("events", [[(10, NowMs)], [], [(0, NowMs), (1, NowMs)]], lowOffsets: [10, 3, 0]).WithCommitted("events", 2, 1);

        Assert.Equal([new PartitionSpec("events", 2, 2, 2)], discovery.Find(engine, cluster, Now));
    }

    [Fact]
    public void Discovery_is_due_one_interval_after_the_first_poll_then_every_interval()
    {
        var discovery = new PartitionDiscovery([SourceTopic.FromLatest("events")], TimeSpan.FromSeconds(10), until: null);

        Assert.False(discovery.Due(1_000));
        Assert.False(discovery.Due(10_999));
        Assert.True(discovery.Due(11_000));
        Assert.False(discovery.Due(20_999));
        Assert.True(discovery.Due(21_000));
    }

    /// <summary>An in-memory cluster with Kafka's ListOffsets semantics, and scripted faults.</summary>
    private sealed class FakeCluster : IOffsetSource
    {
        private readonly Dictionary<string, List<(List<(long Offset, long TimestampMs)> Log, long Low)>> _topics = [];
        private readonly Dictionary<(string, int), long> _committed = [];
        private readonly Queue<ErrorCode> _watermarkErrors = [];
        private readonly Queue<(int Partition, (long, long) Answer)> _watermarkAnswers = [];
        private readonly Queue<ErrorCode> _committedErrors = [];

        public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

        public int WatermarkReads { get; private set; }

        public FakeCluster FailWatermarks(params ErrorCode[] errors)
        {
            Array.ForEach(errors, _watermarkErrors.Enqueue);
            return this;
        }

        /// <summary>After the scripted errors, the next reads answer this for the partition.</summary>
        public FakeCluster AnswerWatermarksOnce(int partition, (long Low, long High) answer, int times = 1)
        {
            for (var i = 0; i < times; i++)
            {
                _watermarkAnswers.Enqueue((partition, answer));
            }

            return this;
        }

        public FakeCluster FailCommitted(params ErrorCode[] errors)
        {
            Array.ForEach(errors, _committedErrors.Enqueue);
            return this;
        }

        public FakeCluster Topic(string name, List<(long, long)>[] partitions, long[] lowOffsets)
        {
            _topics[name] = [.. partitions.Select((log, i) => (log, lowOffsets[i]))];
            return this;
        }

        public FakeCluster WithCommitted(string topic, int partition, long offset)
        {
            _committed[(topic, partition)] = offset;
            return this;
        }

        public IReadOnlyList<int> Partitions(string topic) =>
            _topics.TryGetValue(topic, out var partitions)
                ? [.. Enumerable.Range(0, partitions.Count)]
                : throw new ArgumentException($"Topic '{topic}' does not exist.");

        public IReadOnlyDictionary<int, (long Low, long High)> Watermarks(string topic, IReadOnlyList<int> partitions)
        {
            WatermarkReads++;
            if (_watermarkErrors.TryDequeue(out var error))
            {
                throw new KafkaException(new Error(error, $"Could not read the watermarks of {topic}[0]"));
            }

            var answer = partitions.ToDictionary(p => p, p =>
            {
                var (log, low) = _topics[topic][p];
                return (low, log.Count == 0 ? low : log[^1].Offset + 1);
            });
            if (_watermarkAnswers.TryDequeue(out var scripted))
            {
                answer[scripted.Partition] = scripted.Answer;
            }

            return answer;
        }

        /// <summary>Answers no offset for any time, as librdkafka's mock brokers do.</summary>
        public bool CannotLookUpByTime { get; init; }

        public IReadOnlyDictionary<int, long?> OffsetsForTimestamp(string topic, IReadOnlyList<int> partitions, long timestampMs) =>
            CannotLookUpByTime ? partitions.ToDictionary(p => p, p => (long?)null) : partitions.ToDictionary(p => p, p =>
            {
                var match = _topics[topic][p].Log.FirstOrDefault(m => m.TimestampMs >= timestampMs);
                return match == default ? (long?)null : match.Offset;
            });

        public IReadOnlyDictionary<int, long?> Committed(string topic, IReadOnlyList<int> partitions) =>
            _committedErrors.TryDequeue(out var error)
                ? throw new KafkaException(new Error(error, $"Could not read the committed offsets of topic '{topic}'"))
                : partitions.ToDictionary(p => p, p => _committed.TryGetValue((topic, p), out var offset) ? offset : (long?)null);
    }
}
