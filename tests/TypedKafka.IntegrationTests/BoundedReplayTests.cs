using System.Text;
using Apache.Arrow;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>Bounded reads (<see cref="ConsumerOptions.Until"/>) on <see cref="LocalKafkaCluster"/>.</summary>
public sealed class BoundedReplayTests(ITestOutputHelper output)
{
    private const long Base = 1_767_225_600_000;

    [Fact]
    public async Task A_read_bounded_at_the_end_offsets_releases_exactly_the_captured_range_while_the_topic_is_written_to()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("bounded", 4);
        cluster.Produce("bounded", Enumerable.Range(0, 8_000).Select(i => new LocalMessage(i % 4, Base + i, null, Encoding.UTF8.GetBytes($"before-{i}"))));

        using var manager = new ConsumerManager(Config(cluster), [SourceTopic.FromEarliest("bounded")], new ConsumerOptions { Until = ReplayEnd.EndOffsets, BatchSize = 500 });

        // Messages keep coming while the bounded read runs; none of them may come out.
        using var stop = new CancellationTokenSource();
        var producedLater = 0;
        var writer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                cluster.Produce("bounded", Enumerable.Range(0, 40).Select(i => new LocalMessage(i % 4, Base + 100_000 + i, null, Encoding.UTF8.GetBytes("after"))));
                Interlocked.Add(ref producedLater, 40);
            }
        });

        List<ReleasedRow> rows;
        try
        {
            rows = Replay.Until(manager, _ => manager.IsComplete);
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }

        output.WriteLine($"released {rows.Count} of the 8,000 captured; {producedLater} produced during the read");
        Assert.True(producedLater > 0, "Nothing was produced during the read.");
        Assert.Equal(8_000, rows.Count);
        Assert.All(rows, r => Assert.StartsWith("before-", r.Value, StringComparison.Ordinal));
        Replay.AssertTimeOrdered(rows);
        Replay.AssertEachOnceInOffsetOrder(rows);

        // Complete: nothing more, at once, even with no timeout at all.
        using (var after = await Task.Run(() => manager.Poll(Timeout.Infinite)).WaitAsync(Replay.Patience))
        {
            Assert.Equal(0, after.Length);
        }

        using var state = manager.PartitionState();
        var complete = (BooleanArray)state.Column("is_complete");
        var endBound = (Int64Array)state.Column("end_bound");
        Assert.All(Enumerable.Range(0, state.Length), i => Assert.True(complete.GetValue(i)));
        Assert.Equal(Enumerable.Repeat(2_000L, 4), Enumerable.Range(0, state.Length).Select(i => endBound.GetValue(i)!.Value));
    }

    [Fact]
    public void A_read_bounded_at_a_past_time_releases_exactly_the_rows_stamped_before_it()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("until-time", 3);
        cluster.Produce("until-time", Enumerable.Range(0, 3_000).Select(i => new LocalMessage(i % 3, Base + (i * 10L), null, new byte[8])));
        var bound = Base + 12_345;

        using var manager = new ConsumerManager(Config(cluster), [SourceTopic.FromEarliest("until-time")], new ConsumerOptions { Until = ReplayEnd.AtMs(bound), BatchSize = 100 });
        var rows = Replay.Until(manager, _ => manager.IsComplete);

        Assert.Equal(1_235, rows.Count);
        Assert.All(rows, r => Assert.True(r.TimestampMs < bound, $"{r} is at or past the bound."));
        Replay.AssertTimeOrdered(rows);
        Replay.AssertEachOnceInOffsetOrder(rows);
    }

    [Fact]
    public void Explicit_end_offsets_end_each_partition_where_given_and_the_others_at_the_end_of_their_log()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("until-offsets", 2);
        cluster.Produce("until-offsets", Enumerable.Range(0, 200).Select(i => new LocalMessage(i % 2, Base + i, null, new byte[8])));

        var until = ReplayEnd.Offsets([new Confluent.Kafka.TopicPartitionOffset("until-offsets", 0, 30)]);
        using var manager = new ConsumerManager(Config(cluster), [SourceTopic.FromEarliest("until-offsets")], new ConsumerOptions { Until = until });
        var rows = Replay.Until(manager, _ => manager.IsComplete);

        Assert.Equal(Enumerable.Range(0, 30).Select(o => (long)o), rows.Where(r => r.Partition == 0).Select(r => r.Offset));
        Assert.Equal(100, rows.Count(r => r.Partition == 1));
    }

    [Fact]
    public void An_end_offset_of_a_partition_not_read_is_refused_naming_it()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("until-unknown", 1);
        var until = ReplayEnd.Offsets([new Confluent.Kafka.TopicPartitionOffset("until-unknown", 3, 10)]);
        var error = Assert.Throws<ArgumentException>(() => new ConsumerManager(Config(cluster), [SourceTopic.FromEarliest("until-unknown")], new ConsumerOptions { Until = until }));
        Assert.Contains("until-unknown[3]", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> Config(LocalKafkaCluster cluster) => new()
    {
        ["bootstrap.servers"] = cluster.BootstrapServers,
        ["fetch.wait.max.ms"] = "20",
    };
}
