using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>Memory bounds and broker faults, on <see cref="LocalKafkaCluster"/> where faults can be injected.</summary>
public sealed class ClusterFaultTests(ITestOutputHelper output)
{
    private const long Base = 1_767_225_600_000;

    [Fact]
    public void A_partition_100_times_denser_than_the_others_is_paused_and_memory_stays_bounded()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("skewed", 4);
        // Partition 0 writes 100 messages for every one of the others over the same hour.
        cluster.Produce("skewed", Enumerable.Range(0, 20_000).Select(i => new LocalMessage(0, Base + (i * 180L), null, new byte[100])));
        for (var p = 1; p < 4; p++)
        {
            cluster.Produce("skewed", Enumerable.Range(0, 200).Select(i => new LocalMessage(p, Base + (i * 18_000L) + p, null, new byte[100])));
        }

        const int maxHeldMessages = 2_000;
        const long maxHeldBytes = 150_000;
        const int batchSize = 500;
        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest("skewed")],
            batchSize: batchSize,
            maxHeldMessages: maxHeldMessages,
            maxHeldBytes: maxHeldBytes);

        int peakMessages = 0, pollsWithPause = 0, pollsOverBound = 0, pollsOverBoundUnpaused = 0;
        long peakBytes = 0;
        var rows = Replay.UntilLive(manager, m =>
        {
            using var state = m.PartitionState();
            var held = (Int64Array)state.Column("held_bytes");
            var paused = (BooleanArray)state.Column("is_paused");
            var heldBytes = Enumerable.Range(0, state.Length).Sum(i => held.GetValue(i)!.Value);
            var anyPaused = Enumerable.Range(0, state.Length).Any(i => paused.GetValue(i) == true);
            peakMessages = Math.Max(peakMessages, m.HeldMessageCount);
            peakBytes = Math.Max(peakBytes, heldBytes);
            pollsWithPause += anyPaused ? 1 : 0;

            // Whether the bound is ever reached depends on the order fetches arrive in (if the sparse
            // partitions come first, everything can be released at once); once it is, something is paused.
            var over = m.HeldMessageCount > maxHeldMessages || heldBytes > maxHeldBytes;
            pollsOverBound += over ? 1 : 0;
            pollsOverBoundUnpaused += over && !anyPaused ? 1 : 0;
        });

        output.WriteLine($"peak held: {peakMessages} messages (bound {maxHeldMessages}), {peakBytes} bytes (bound {maxHeldBytes}); polls over the bound: {pollsOverBound}; polls with a paused partition: {pollsWithPause}");
        Assert.Equal(20_600, rows.Count);
        Replay.AssertTimeOrdered(rows);
        Assert.True(pollsOverBoundUnpaused == 0, $"{pollsOverBoundUnpaused} of {pollsOverBound} polls over the bound left every partition unpaused.");
        // Above a bound only the partitions the release waits for take anything in: one poll's intake at most.
        Assert.True(peakMessages <= maxHeldMessages + batchSize, $"Peak {peakMessages} held messages.");
        Assert.True(peakBytes <= maxHeldBytes + (batchSize * 100L), $"Peak {peakBytes} held bytes.");
    }

    [Fact]
    public void A_broker_going_down_and_up_mid_replay_loses_and_duplicates_nothing()
    {
        using var cluster = new LocalKafkaCluster(brokers: 3);
        cluster.CreateTopic("faulty", 6);
        for (var p = 0; p < 6; p++)
        {
            cluster.Produce("faulty", Enumerable.Range(0, 500).Select(i => LocalMessage.FromStrings(p, Base + (i * 10L) + p, null, $"{p}-{i}")));
        }

        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers, ["reconnect.backoff.max.ms"] = "200" },
            [SourceTopic.FromEarliest("faulty")],
            batchSize: 100);
        var polls = 0;
        var rows = Replay.UntilLive(manager, _ =>
        {
            polls++;
            if (polls == 3)
            {
                cluster.SetBrokerDown(2);
            }
            else if (polls == 15)
            {
                cluster.SetBrokerUp(2);
            }
        });

        output.WriteLine($"{rows.Count} rows in {polls} polls");
        Assert.True(polls > 15, "The replay finished before the broker came back: the fault was not mid-replay.");
        Assert.Equal(3_000, rows.Count);
        Replay.AssertEachOnceInOffsetOrder(rows);
        Replay.AssertTimeOrdered(rows);
    }

    [Fact]
    public void Fetch_errors_are_retried_without_loss_or_duplicates()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("flaky", 2);
        cluster.Produce("flaky", Enumerable.Range(0, 200).Select(i => LocalMessage.FromStrings(i % 2, Base + i, null, $"v{i}")));
        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest("flaky")],
            batchSize: 10);
        cluster.PushRequestErrors(KafkaApiKey.Fetch, ErrorCode.NotLeaderForPartition, ErrorCode.RequestTimedOut, ErrorCode.NotLeaderForPartition);

        var rows = Replay.UntilLive(manager);

        Assert.Equal(200, rows.Count);
        Replay.AssertEachOnceInOffsetOrder(rows);
    }

    [Fact]
    public void The_partition_state_reports_every_partition_with_its_replay_range()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("state", 2);
        cluster.Produce("state", [LocalMessage.FromStrings(0, Base, null, "a"), LocalMessage.FromStrings(0, Base + 1, null, "b")]);
        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest("state")],
            cutoffMs: Base + 1_000_000);
        Replay.UntilLive(manager);

        using var state = manager.PartitionState();
        Assert.Equal(2, state.Length);
        Assert.Equal([2L, 0L], Longs(state, "replay_end_offset"));
        Assert.Equal([1L, -1L], Longs(state, "released_offset"));
        Assert.All(Bools(state, "is_live"), Assert.True);
        Assert.All(Enumerable.Range(0, 2), i => Assert.Equal(Base + 1_000_000, ((TimestampArray)state.Column("cutoff")).GetTimestamp(i)!.Value.ToUnixTimeMilliseconds()));
    }

    private static IEnumerable<long> Longs(RecordBatch batch, string name)
    {
        var array = (Int64Array)batch.Column(name);
        return Enumerable.Range(0, array.Length).Select(i => array.GetValue(i)!.Value);
    }

    private static IEnumerable<bool> Bools(RecordBatch batch, string name)
    {
        var array = (BooleanArray)batch.Column(name);
        return Enumerable.Range(0, array.Length).Select(i => array.GetValue(i)!.Value);
    }
}
