using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>Records deleted ahead of the position are never skipped silently (<see cref="ConsumerOptions.FailOnDataLoss"/>).</summary>
public sealed class DataLossTests(ITestOutputHelper output)
{
    private const long Base = 1_767_225_600_000;
    private const int Messages = 5_000;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Records_deleted_ahead_of_the_position_fail_the_poll_naming_the_partition_and_the_range(bool nativeIntake)
    {
        using var cluster = new LocalKafkaCluster();
        using var manager = StartReplay(cluster, "lost-fail", failOnDataLoss: true, out var rows, out var firstLost, out var deletedTo, nativeIntake: nativeIntake);
        Assert.Equal(nativeIntake ? "native" : "plain", manager.Intake);

        // What came out is a gapless prefix; the client may have read a few messages ahead of the
        // position before the deletion, and those are not counted lost (they are held, not released, when the poll fails).
        var error = Assert.Throws<DataLossException>(() => Replay.UntilLive(manager, into: rows));
        output.WriteLine(error.Message);
        Assert.Equal(("lost-fail", 0, deletedTo), (error.Topic, error.Partition, error.EndLostOffset));
        Assert.InRange(error.FirstLostOffset, firstLost, deletedTo - 1);
        Assert.Equal(Enumerable.Range(0, rows.Count).Select(o => (long)o), rows.Select(r => r.Offset));
        Assert.True(rows.Count <= error.FirstLostOffset, $"{rows.Count} released, loss from {error.FirstLostOffset}.");
        Assert.Contains($"lost-fail[0]: offsets {error.FirstLostOffset}-{deletedTo - 1}", error.Message, StringComparison.Ordinal);

        // It stays failed: going on would skip the loss.
        Assert.Throws<DataLossException>(() => manager.Poll(0));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_FailOnDataLoss_off_the_replay_goes_on_from_the_oldest_offset_left_and_counts_the_loss(bool nativeIntake)
    {
        using var cluster = new LocalKafkaCluster();
        var logger = new ListLogger();
        using var manager = StartReplay(cluster, "lost-count", failOnDataLoss: false, out var rows, out var firstLost, out var deletedTo, logger, nativeIntake);
        Assert.Equal(nativeIntake ? "native" : "plain", manager.Intake);

        Replay.UntilLive(manager, into: rows);
        Replay.AssertEachOnceInOffsetOrder(rows);
        using var state = manager.PartitionState();
        var lost = ((Int64Array)state.Column("lost_messages")).GetValue(0);
        output.WriteLine($"lost {lost} (offsets {firstLost}-{deletedTo - 1}); released {rows.Count} after the first poll");
        // Every offset is either released or counted lost: the lost ones are exactly those missing up to the deletion point.
        Assert.Equal(Messages, rows.Count + lost);
        Assert.Equal(deletedTo - lost, rows.Count(r => r.Offset < deletedTo));
        Assert.True(lost > 0 && lost <= deletedTo - firstLost, $"{lost} counted lost.");
        Assert.Equal(Messages - deletedTo, rows.Count(r => r.Offset >= deletedTo));
        Assert.Contains(logger.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Text.StartsWith("lost-count[0]: offsets", StringComparison.Ordinal));
    }

    /// <summary>Writes one record batch per message (a fetch returns whole batches), reads a little, then deletes the next 3,000 offsets.</summary>
    private static ConsumerManager StartReplay(LocalKafkaCluster cluster, string topic, bool failOnDataLoss, out List<ReleasedRow> rows, out long firstLost, out long deletedTo, ListLogger? logger = null, bool nativeIntake = true)
    {
        cluster.CreateTopic(topic, 1);
        var producerConfig = new ProducerConfig { BootstrapServers = cluster.BootstrapServers, LingerMs = 0, BatchNumMessages = 1 };
        using (var producer = new ProducerBuilder<Null, byte[]>(producerConfig).Build())
        {
            for (var i = 0; i < Messages; i++)
            {
                producer.Produce(topic, new Message<Null, byte[]> { Value = new byte[16], Timestamp = new Timestamp(Base + i, TimestampType.CreateTime) });
            }

            Assert.Equal(0, producer.Flush(Replay.Patience));
        }

        // The client may read ahead only a little, so that the deleted range is still ahead of it.
        var config = new Dictionary<string, string>
        {
            ["bootstrap.servers"] = cluster.BootstrapServers,
            ["fetch.wait.max.ms"] = "10",
            ["max.partition.fetch.bytes"] = "1024",
            ["queued.max.messages.kbytes"] = "1",
            ["queued.min.messages"] = "1",
            ["fetch.queue.backoff.ms"] = "0",
        };
        var manager = new ConsumerManager(config, [SourceTopic.FromEarliest(topic)], new ConsumerOptions { BatchSize = 100, FailOnDataLoss = failOnDataLoss, Logger = logger, NativeIntake = nativeIntake });
        rows = Replay.Until(manager, released => released.Count > 0);
        firstLost = manager.Consumed(0) + 1;
        deletedTo = firstLost + 3_000;
        cluster.DeleteRecords(topic, 0, deletedTo);
        return manager;
    }
}

public sealed class ClientLogTests
{
    [Fact]
    public void The_clients_log_lines_go_to_the_logger_at_their_level()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("client-log", 1);
        var logger = new ListLogger();
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers, ["debug"] = "consumer" };
        using (var manager = new ConsumerManager(config, [SourceTopic.FromEarliest("client-log")], new ConsumerOptions { Logger = logger }))
        {
            manager.Poll(0).Dispose();
        }

        Assert.Contains(logger.Lines, l => l.Level == Microsoft.Extensions.Logging.LogLevel.Debug && l.Text.StartsWith("librdkafka ", StringComparison.Ordinal));
    }
}

internal static class ConsumedOffsets
{
    /// <summary>The consumed offset of the manager's <paramref name="row"/>-th partition, from partition state.</summary>
    public static long Consumed(this ConsumerManager manager, int row)
    {
        using var state = manager.PartitionState();
        return ((Int64Array)state.Column("consumed_offset")).GetValue(row)!.Value;
    }
}
