using System.Diagnostics;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>The memory bound at hundreds of partitions, on <see cref="LocalKafkaCluster"/>.</summary>
public sealed class ManyPartitionsTests(ITestOutputHelper output)
{
    private const long Base = 1_767_225_600_000;

    [Fact]
    public void Five_hundred_partitions_one_dense_stay_within_the_byte_bound_plus_one_fetch_of_each()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("many", 500);
        // Partition 0 holds 4,000 messages of 1 KB over an hour; the 499 others 8 each over the same hour.
        cluster.Produce("many", Enumerable.Range(0, 4_000).Select(i => new LocalMessage(0, Base + (i * 900L), null, new byte[1024])));
        cluster.Produce("many", Enumerable.Range(0, 499 * 8).Select(i => new LocalMessage(1 + (i % 499), Base + ((i / 499) * 450_000L) + (i % 499), null, new byte[1024])));

        const long maxHeldBytes = 1L << 20;
        const int batchSize = 500;
        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers, ["fetch.wait.max.ms"] = "10" },
            [SourceTopic.FromEarliest("many")],
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
        Assert.Equal(4_000 + (499 * 8), rows.Count);
        Replay.AssertTimeOrdered(rows);
        // Nothing is released before every partition has delivered, and each sparse partition's first
        // fetch brings its 8 messages at once: above the bound, only that and one batch's intake.
        Assert.True(peakBytes <= maxHeldBytes + (batchSize * 1024L) + (499 * 8 * 1024L), $"Peak {peakBytes:N0} held bytes.");
    }
}
