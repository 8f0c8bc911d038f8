using System.Diagnostics;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>The memory bound at hundreds of partitions, on <see cref="LocalKafkaCluster"/>.</summary>
public sealed class ManyPartitionsTests(ITestOutputHelper output)
{
    private const long Base = 1_767_225_600_000;

    [Fact]
    public void Five_hundred_partitions_one_dense_stay_within_the_byte_bound_plus_one_batch()
    {
        using var cluster = new LocalKafkaCluster();
        var topic = $"many-{Guid.NewGuid():N}";
        cluster.CreateTopic(topic, 500);
        // Partition 0 holds 4,000 messages of 1 KB over an hour; the 499 others 8 each over the same hour.
        cluster.Produce(topic, Enumerable.Range(0, 4_000).Select(i => new LocalMessage(0, Base + (i * 900L), null, new byte[1024])));
        cluster.Produce(topic, Enumerable.Range(0, 499 * 8).Select(i => new LocalMessage(1 + (i % 499), Base + ((i / 499) * 450_000L) + (i % 499), null, new byte[1024])));

        const long maxHeldBytes = 1L << 20;
        const int batchSize = 500;
        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest(topic)],
            new ConsumerOptions { MaxHeldBytes = maxHeldBytes, BatchSize = batchSize });

        long peakBytes = 0;
        var polls = 0;
        var clock = Stopwatch.StartNew();
        var rows = Replay.UntilLive(manager, m =>
        {
            polls++;
            using var state = m.PartitionState();
            var held = (Apache.Arrow.Int64Array)state.Column("held_bytes");
            peakBytes = Math.Max(peakBytes, Enumerable.Range(0, state.Length).Sum(i => held.GetValue(i)!.Value));
        });

        output.WriteLine($"{rows.Count} rows in {polls} polls, {clock.ElapsedMilliseconds} ms; peak held {peakBytes:N0} B (bound {maxHeldBytes:N0} B)");
        output.WriteLine($"a plain Confluent.Kafka loop over the same data: {PlainReadMs(cluster.BootstrapServers, topic, 500)} ms (for comparison, not asserted)");
        Assert.Equal(4_000 + (499 * 8), rows.Count);
        Replay.AssertTimeOrdered(rows);
        // Whatever the number of partitions, at most one batch's intake goes past the bound: a
        // partition that cannot help release anything is paused as soon as the bound is reached.
        Assert.True(peakBytes <= maxHeldBytes + (batchSize * 1024L), $"Peak {peakBytes:N0} held bytes.");
    }

    /// <summary>How long a plain consume loop takes to read every partition to its end, for the test's output.</summary>
    private static long PlainReadMs(string bootstrap, string topic, int partitions)
    {
        var clock = Stopwatch.StartNew();
        using var consumer = new Confluent.Kafka.ConsumerBuilder<byte[], byte[]>(new Confluent.Kafka.ConsumerConfig
        {
            BootstrapServers = bootstrap,
            GroupId = $"plain-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        }).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new Confluent.Kafka.TopicPartitionOffset(topic, p, Confluent.Kafka.Offset.Beginning)));
        var ended = new HashSet<int>();
        while (ended.Count < partitions && clock.Elapsed < Replay.Patience)
        {
            if (consumer.Consume(100) is { IsPartitionEOF: true } result)
            {
                ended.Add(result.Partition.Value);
            }
        }

        return clock.ElapsedMilliseconds;
    }
}
