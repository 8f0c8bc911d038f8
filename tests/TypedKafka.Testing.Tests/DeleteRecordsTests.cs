using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

public sealed class DeleteRecordsTests
{
    [Fact]
    public void Deleting_records_moves_the_low_watermark_and_keeps_the_high_one()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 2);
        cluster.Produce("events", Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(0, 1_000 + i, $"k{i}", $"v{i}")));

        cluster.DeleteRecords("events", 0, beforeOffset: 4);
        WatermarkOffsets watermarks = KafkaClients.Watermarks(cluster, "events", 0);

        Assert.Equal(4, watermarks.Low.Value);
        Assert.Equal(10, watermarks.High.Value);
    }

    [Fact]
    public void A_consumer_from_the_beginning_starts_at_the_first_kept_record()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);
        cluster.Produce("events", Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(0, 1_000 + i, $"k{i}", $"v{i}")));

        cluster.DeleteRecords("events", 0, beforeOffset: 4);
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster);
        consumer.Assign(new TopicPartitionOffset("events", 0, Offset.Beginning));

        Assert.Equal(
            Enumerable.Range(4, 6).Select(i => (long)i),
            KafkaClients.ConsumeMessages(consumer, 6).Select(r => r.Offset.Value));
    }

    [Fact]
    public void Deleting_past_the_high_watermark_fails_naming_the_partition()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);
        cluster.Produce("events", [LocalMessage.FromStrings(0, 1, "k", "v")]);

        var error = Assert.Throws<KafkaException>(() => cluster.DeleteRecords("events", 0, beforeOffset: 2));

        Assert.Equal(ErrorCode.OffsetOutOfRange, error.Error.Code);
        Assert.Contains("events [0]", error.Message, StringComparison.Ordinal);
    }
}
