using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary><see cref="LiveOrdering.Hold"/> on <see cref="LocalKafkaCluster"/>.</summary>
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
}
