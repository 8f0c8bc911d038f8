using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

/// <summary>
/// What a user does with <see cref="ConsumerManager"/>, against a cluster: run on
/// <see cref="LocalKafkaCluster"/> always, and on a real cluster when <c>TYPEDKAFKA_BOOTSTRAP</c> is set.
/// </summary>
public abstract class ReplayScenarios
{
    private const long Base = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    protected abstract KafkaTarget Connect();

    [SkippableFact]
    public void History_across_partitions_and_topics_comes_out_in_timestamp_order()
    {
        using var target = Connect();
        var orders = target.NewTopic("orders", 4);
        var prices = target.NewTopic("prices", 2);
        // Each partition runs at its own pace and phase: 25 to 200 messages over the same 100 seconds.
        var produced = 0;
        foreach (var (topic, partitions) in new[] { (orders, 4), (prices, 2) })
        {
            for (var p = 0; p < partitions; p++)
            {
                var count = 25 << (p % 4);
                var step = 100_000 / count;
                produced += target.Produce(topic, Enumerable.Range(0, count)
                    .Select(i => LocalMessage.FromStrings(p, Base + (i * step) + (p * 7), $"k{i}", $"{topic[..6]}-{p}-{i}"))).Count;
            }
        }

        using var manager = new ConsumerManager(target.Config(), [SourceTopic.FromEarliest(orders), SourceTopic.FromEarliest(prices)], batchSize: 97);
        var rows = Replay.UntilLive(manager);

        Assert.Equal(produced, rows.Count);
        Replay.AssertTimeOrdered(rows);
        Replay.AssertEachOnceInOffsetOrder(rows);
        Assert.All(rows, r => Assert.Equal($"{r.Topic[..6]}-{r.Partition}-{r.Offset}", r.Value));
    }

    [SkippableFact]
    public void Latest_replays_nothing_and_delivers_what_is_produced_afterwards()
    {
        using var target = Connect();
        var topic = target.NewTopic("latest", 2);
        target.Produce(topic, [LocalMessage.FromStrings(0, Base, "old", "old"), LocalMessage.FromStrings(1, Base, "old", "old")]);

        using var manager = new ConsumerManager(target.Config(), [SourceTopic.FromLatest(topic)]);
        Assert.Empty(Replay.UntilLive(manager));

        target.Produce(topic, [LocalMessage.FromStrings(1, Base + 10, "new", "n1"), LocalMessage.FromStrings(0, Base + 20, "new", "n2")]);
        var rows = Replay.Until(manager, rows => rows.Count >= 2);
        // Live messages go out as they arrive, merged only within a poll: compare as a set.
        Assert.Equal(["n1", "n2"], rows.Select(r => r.Value).Order());
    }

    [SkippableFact]
    public void Replay_then_live_picks_up_messages_produced_after_start()
    {
        using var target = Connect();
        var topic = target.NewTopic("replay-live", 3);
        target.Produce(topic, Enumerable.Range(0, 30).Select(i => LocalMessage.FromStrings(i % 3, Base + i, null, $"history-{i}")));

        using var manager = new ConsumerManager(target.Config(), [SourceTopic.FromEarliest(topic)], batchSize: 7);
        var history = Replay.UntilLive(manager);
        Assert.Equal(30, history.Count);
        Assert.True(manager.IsLive);
        Assert.Null(manager.PrimingWatermark);

        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        target.Produce(topic, Enumerable.Range(0, 9).Select(i => LocalMessage.FromStrings(i % 3, now + i, null, $"live-{i}")));
        var live = Replay.Until(manager, rows => rows.Count >= 9);
        Assert.Equal(Enumerable.Range(0, 9).Select(i => $"live-{i}").Order(), live.Select(r => r.Value).Order());
        Replay.AssertEachOnceInOffsetOrder([.. history, .. live]);
    }

    [SkippableFact]
    public void Committed_offsets_resume_after_what_was_released_and_the_fallback_covers_the_rest()
    {
        using var target = Connect();
        var topic = target.NewTopic("committed", 2);
        var group = $"group-{Guid.NewGuid():N}";
        target.Produce(topic, Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(0, Base + i, null, $"first-{i}")));

        using (var first = new ConsumerManager(target.Config(("group.id", group)), [SourceTopic.FromEarliest(topic)]))
        {
            Assert.Equal(10, Replay.UntilLive(first).Count);
            first.CommitReleased();
        }

        target.Produce(topic, [LocalMessage.FromStrings(0, Base + 100, null, "second-0"), LocalMessage.FromStrings(1, Base + 101, null, "second-1")]);

        // Partition 0 resumes at its committed offset 10; partition 1 has none and falls back to earliest.
        using var second = new ConsumerManager(target.Config(("group.id", group)), [SourceTopic.FromCommitted(topic, new OffsetPolicy.Earliest())]);
        var rows = Replay.UntilLive(second);
        Assert.Equal(["second-0", "second-1"], rows.Select(r => r.Value));
        Assert.Equal(10, rows[0].Offset);
    }

    [SkippableFact]
    public void A_topic_written_in_transactions_still_goes_live()
    {
        using var target = Connect();
        Skip.IfNot(target.IsLocal, "The transactional producer helper is LocalKafkaCluster's.");
        var topic = target.NewTopic("transactions", 2);
        target.Local!.ProduceTransaction(topic, Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(i % 2, Base + i, null, $"tx-{i}")));

        using var manager = new ConsumerManager(target.Config(("isolation.level", "read_committed")), [SourceTopic.FromEarliest(topic)]);
        var rows = Replay.UntilLive(manager);

        Assert.Equal(10, rows.Count);
        Replay.AssertTimeOrdered(rows);
        // The commit marker takes the last offset of each partition: the end is never seen as a message.
        using var state = manager.PartitionState();
        var ends = (Apache.Arrow.Int64Array)state.Column("replay_end_offset");
        var consumed = (Apache.Arrow.Int64Array)state.Column("consumed_offset");
        Assert.All(Enumerable.Range(0, state.Length), i => Assert.Equal(ends.GetValue(i) - 2, consumed.GetValue(i)));
    }

    [SkippableFact]
    public void Relative_time_starts_at_the_first_message_inside_the_window()
    {
        using var target = Connect();
        Skip.If(target.IsLocal, "LocalKafkaCluster's mock brokers do not implement ListOffsets by timestamp; OffsetResolverTests cover the resolution against a fake with Kafka's semantics.");
        var topic = target.NewTopic("relative", 1);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        target.Produce(topic, Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(0, now - ((10 - i) * 60_000L), null, $"m{i}")));

        using var manager = new ConsumerManager(target.Config(), [SourceTopic.FromRelativeTime(topic, TimeSpan.FromMinutes(3.5))]);
        Assert.Equal(["m7", "m8", "m9"], Replay.UntilLive(manager).Select(r => r.Value));
    }

    [SkippableFact]
    public void Absolute_time_starts_at_the_first_message_at_or_after_it()
    {
        using var target = Connect();
        Skip.If(target.IsLocal, "LocalKafkaCluster's mock brokers do not implement ListOffsets by timestamp; OffsetResolverTests cover the resolution against a fake with Kafka's semantics.");
        var topic = target.NewTopic("absolute", 1);
        target.Produce(topic, Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(0, Base + (i * 1000), null, $"m{i}")));

        using var manager = new ConsumerManager(target.Config(), [SourceTopic.FromAbsoluteTime(topic, Base + 7000)]);
        Assert.Equal(["m7", "m8", "m9"], Replay.UntilLive(manager).Select(r => r.Value));
    }
}

public sealed class OnLocalKafkaCluster : ReplayScenarios
{
    protected override KafkaTarget Connect() => KafkaTarget.OnLocalCluster(brokers: 3);
}

public sealed class OnRealCluster : ReplayScenarios
{
    protected override KafkaTarget Connect() => KafkaTarget.OnRealCluster();
}
