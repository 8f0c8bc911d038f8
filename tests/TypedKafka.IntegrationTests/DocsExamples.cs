using System.Text;
using Apache.Arrow;
using Microsoft.Data.Analysis;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

/// <summary>The examples of docs/batching.md and docs/offset-policies.md, run as written there.</summary>
public sealed class DocsExamples
{
    [Fact]
    public void Batching_example()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("clicks", partitions: 2);
        cluster.Produce("clicks", Enumerable.Range(0, 100).Select(i =>
            LocalMessage.FromStrings(i % 2, 1_767_225_600_000 + (i * 1000), $"user-{i % 7}", $"{{\"page\":{i}}}")));

        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest("clicks")]);

        long valueBytes = 0;
        var pagesPerUser = new Dictionary<string, long>();
        while (!manager.IsLive)
        {
            using RecordBatch batch = manager.Poll(timeoutMs: 1000);

            // Column-wise with spans: one contiguous buffer per column, no per-row objects.
            var values = (BinaryArray)batch.Column("value");
            valueBytes += values.ValueOffsets[^1] - values.ValueOffsets[0];
            ReadOnlySpan<long> timestamps = ((TimestampArray)batch.Column("timestamp")).Values;
            for (var i = 1; i < timestamps.Length; i++)
            {
                Assert.True(timestamps[i] >= timestamps[i - 1]);
            }

            // A DataFrame reads the batch's memory in place: use it before the batch is disposed.
            // Microsoft.Data.Analysis has no binary columns, so leave key and value out, or decode them.
            var frame = DataFrame.FromArrowRecordBatch(
                new RecordBatch(
                    new Schema([batch.Schema.GetFieldByName("partition"), batch.Schema.GetFieldByName("offset"), batch.Schema.GetFieldByName("timestamp")], null),
                    [batch.Column("partition"), batch.Column("offset"), batch.Column("timestamp")],
                    batch.Length));
            var keys = (BinaryArray)batch.Column("key");
            frame.Columns.Add(new StringDataFrameColumn("user", Enumerable.Range(0, batch.Length).Select(i => Encoding.UTF8.GetString(keys.GetBytes(i)))));
            foreach (var row in frame.Rows)
            {
                var user = (string)row["user"];
                pagesPerUser[user] = pagesPerUser.GetValueOrDefault(user) + 1;
            }
        }

        Assert.Equal(Enumerable.Range(0, 100).Sum(i => Encoding.UTF8.GetByteCount($"{{\"page\":{i}}}")), valueBytes);
        Assert.Equal(100, pagesPerUser.Values.Sum());
        Assert.Equal(15, pagesPerUser["user-0"]);
    }

    [Fact]
    public void Bounded_replay_example()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("trades", partitions: 2);
        const long T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
        cluster.Produce("trades", [
            LocalMessage.FromStrings(0, T0 + 1000, null, "a"), LocalMessage.FromStrings(0, T0 + 2000, null, "b"), LocalMessage.FromStrings(0, T0 + 3000, null, "c"),
            // Partition 1's producer stamped out of order: "f" (2.1 s) comes after "e" (2.6 s).
            LocalMessage.FromStrings(1, T0 + 1500, null, "d"), LocalMessage.FromStrings(1, T0 + 2600, null, "e"), LocalMessage.FromStrings(1, T0 + 2100, null, "f"),
        ]);

        using var manager = new ConsumerManager(
            new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers },
            [SourceTopic.FromEarliest("trades")],
            new ConsumerOptions { Until = ReplayEnd.At(DateTimeOffset.FromUnixTimeMilliseconds(T0 + 2500)) });

        var values = new List<string>();
        var polls = 0;
        while (!manager.IsComplete)
        {
            Assert.True(++polls < 100, "the bounded read never completed");
            using RecordBatch batch = manager.Poll(timeoutMs: 1000);
            var column = (BinaryArray)batch.Column("value");
            for (var i = 0; i < batch.Length; i++)
            {
                values.Add(Encoding.UTF8.GetString(column.GetBytes(i)));
            }
        }

        Assert.Equal(["a", "d", "b"], values);
        using (var empty = manager.Poll(timeoutMs: 60_000))
        {
            Assert.Equal(0, empty.Length);
        }

        using var state = manager.PartitionState();
        var partitions = (Int32Array)state.Column("partition");
        var ends = (Int64Array)state.Column("end_bound");
        var complete = (BooleanArray)state.Column("is_complete");
        var afterEnd = (Int64Array)state.Column("in_bound_after_end");
        var row = Enumerable.Range(0, state.Length).ToDictionary(i => partitions.GetValue(i)!.Value);
        Assert.Equal(2, ends.GetValue(row[0]));
        Assert.Equal(1, ends.GetValue(row[1]));
        Assert.True(complete.GetValue(row[0]) == true && complete.GetValue(row[1]) == true);
        Assert.Equal(0, afterEnd.GetValue(row[0]));

        // "As far as the consumer saw them": "f" is counted if it came in the fetch that ended the partition.
        Assert.InRange(afterEnd.GetValue(row[1])!.Value, 0, 1);
    }

    [Fact]
    public void Offset_policies_example()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("orders", partitions: 2);
        cluster.Produce("orders", Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(i % 2, 1_767_225_600_000 + i, null, $"order-{i}")));

        var config = new Dictionary<string, string> { ["bootstrap.servers"] = cluster.BootstrapServers, ["group.id"] = "billing" };

        var firstCount = 0;
        using (var first = new ConsumerManager(config, [SourceTopic.FromEarliest("orders")]))
        {
            while (!first.IsLive)
            {
                using var batch = first.Poll(timeoutMs: 1000);
                firstCount += batch.Length;
            }

            first.CommitReleased();
        }

        cluster.Produce("orders", [LocalMessage.FromStrings(0, 1_767_225_700_000, null, "order-10")]);
        using var second = new ConsumerManager(config, [SourceTopic.FromCommitted("orders", new OffsetPolicy.Earliest())]);
        var next = Replay.UntilLive(second);

        Assert.Equal(10, firstCount);
        Assert.Equal(["order-10"], next.Select(r => r.Value));
    }
}
