using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary><see cref="LiveOrdering.Hold"/> and <see cref="ConsumerOptions.IdleTimeout"/> on <see cref="LocalKafkaCluster"/>.</summary>
public sealed class LiveOrderingTests(ITestOutputHelper output)
{
    [Fact]
    public async Task With_a_hold_live_rows_from_four_partitions_produced_moments_apart_come_out_in_timestamp_order()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("live-order", 4);
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers, ["fetch.wait.max.ms"] = "10" };
        using var manager = new ConsumerManager(config, [SourceTopic.FromLatest("live-order")], new ConsumerOptions { LiveOrdering = LiveOrdering.Hold(TimeSpan.FromMilliseconds(200)) });
        Replay.Until(manager, _ => manager.IsLive);

        // Each row is produced on its own, stamped now, to a partition in a scrambled order, 0-50 ms after the last.
        const int count = 200;
        var random = new Random(7);
        var producer = Task.Run(async () =>
        {
            using var client = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0 }).Build();
            for (var i = 0; i < count; i++)
            {
                var message = new Message<Null, byte[]> { Value = [(byte)i], Timestamp = new Timestamp(DateTimeOffset.UtcNow) };
                await client.ProduceAsync(new TopicPartition("live-order", (i * 3) % 4), message);
                await Task.Delay(random.Next(0, 51));
            }
        });

        var arrival = new List<long>();
        var rows = Replay.Until(manager, r =>
        {
            while (arrival.Count < r.Count)
            {
                arrival.Add(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            }

            return r.Count >= count;
        });
        await producer;

        var maxDelay = rows.Select((r, i) => arrival[i] - r.TimestampMs).Max();
        using var state = manager.PartitionState();
        var outOfOrder = ((Apache.Arrow.Int64Array)state.Column("out_of_order_releases")).Sum(v => v ?? 0);
        output.WriteLine($"{rows.Count} live rows, largest delay from timestamp to release {maxDelay} ms, out-of-order releases {outOfOrder}");
        Assert.Equal(count, rows.Count);
        Replay.AssertTimeOrdered(rows);
        Replay.AssertEachOnceInOffsetOrder(rows);
        Assert.Equal(0, outOfOrder);
    }

    [Fact]
    public void A_partition_whose_leader_stalls_is_left_out_after_the_idle_timeout_and_its_late_rows_follow_counted()
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);
        cluster.CreateTopic("stalled", 2);
        cluster.SetPartitionLeader("stalled", 0, 1);
        cluster.SetPartitionLeader("stalled", 1, 2);
        const long start = 1_767_225_600_000;

        // Partition 0: 40 rows over 2 s in 4 record batches of about 1 KB, so that each fetch brings one.
        foreach (var chunk in Enumerable.Range(0, 40).Chunk(10))
        {
            cluster.Produce("stalled", chunk.Select(i => new LocalMessage(0, start + (i * 50L), null, new byte[100])));
        }

        cluster.Produce("stalled", Enumerable.Range(0, 200).Select(i => new LocalMessage(1, start + (i * 10L), null, new byte[100])));
        var config = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers, ["fetch.wait.max.ms"] = "10", ["max.partition.fetch.bytes"] = "1024",
        };

        // Partition 0's leader answers every request 1.5 s late (set before the consumer exists, so
        // that its first fetch is late too): partition 0 makes no progress for longer than the idle timeout.
        cluster.SetBrokerRoundTrip(1, TimeSpan.FromMilliseconds(1_500));
        using var manager = new ConsumerManager(config, [SourceTopic.FromEarliest("stalled")], new ConsumerOptions { IdleTimeout = TimeSpan.FromMilliseconds(500) });
        var sawIdle = false;
        var rows = Replay.Until(manager, r => r.Count(x => x.Partition == 1) == 200, m =>
        {
            using var state = m.PartitionState();
            sawIdle |= ((Apache.Arrow.StringArray)state.Column("blocking")).GetString(0)?.StartsWith("idle since", StringComparison.Ordinal) == true;
        });
        var stalledAt = rows.Count(r => r.Partition == 0);
        Assert.True(stalledAt < 40, "Partition 0 delivered everything before partition 1 was done: the stall did not happen.");
        Assert.True(sawIdle, "Partition 0 was never reported idle.");

        // Its leader answers again: the rest of partition 0 follows, late and counted, none lost.
        cluster.SetBrokerRoundTrip(1, TimeSpan.Zero);
        Replay.Until(manager, r => r.Count(x => x.Partition == 0) == 40, into: rows);
        Replay.AssertEachOnceInOffsetOrder(rows);
        Assert.Equal(240, rows.Count);
        using var after = manager.PartitionState();
        var outOfOrder = ((Apache.Arrow.Int64Array)after.Column("out_of_order_releases")).GetValue(0);
        output.WriteLine($"partition 0 had released {stalledAt} of 40 rows when partition 1's 200 were out; {40 - stalledAt} followed, {outOfOrder} counted out of order");
        Assert.True(outOfOrder > 0, "Partition 0's late rows were not counted.");
    }
}
