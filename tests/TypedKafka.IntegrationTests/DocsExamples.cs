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
