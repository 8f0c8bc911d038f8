using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

public sealed class ProduceTests
{
    [Fact]
    public void A_consumer_reads_back_keys_values_timestamps_and_partitions_as_written()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 3);
        LocalMessage[] written =
        [
            LocalMessage.FromStrings(0, 1_700_000_000_000, "a", "first"),
            LocalMessage.FromStrings(2, 1_700_000_000_005, "b", "second"),
            LocalMessage.FromStrings(0, 1_699_999_999_000, "c", "older timestamp, later offset"),
            new LocalMessage(1, 42, Key: null, Value: [0, 255, 7]),
            new LocalMessage(1, 43, Key: [1, 2], Value: null),
        ];

        IReadOnlyList<long> offsets = cluster.Produce("events", written);
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster);
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset("events", p, Offset.Beginning)));
        List<ConsumeResult<byte[]?, byte[]?>> read = KafkaClients.ConsumeMessages(consumer, written.Length);

        Assert.Equal(written.Length, read.Count);
        for (int i = 0; i < written.Length; i++)
        {
            ConsumeResult<byte[]?, byte[]?> match = Assert.Single(
                read, r => r.Partition.Value == written[i].Partition && r.Offset.Value == offsets[i]);
            Assert.Equal(written[i].Key, match.Message.Key);
            Assert.Equal(written[i].Value, match.Message.Value);
            Assert.Equal(written[i].TimestampMs, match.Message.Timestamp.UnixTimestampMs);
            Assert.Equal(TimestampType.CreateTime, match.Message.Timestamp.Type);
        }
    }

    [Fact]
    public void Offsets_are_returned_in_input_order_and_count_up_from_0_in_each_partition()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 2);

        IReadOnlyList<long> offsets = cluster.Produce(
            "events",
            Enumerable.Range(0, 6).Select(i => LocalMessage.FromStrings(i % 2, 1_000 + i, $"k{i}", $"v{i}")));
        IReadOnlyList<long> more = cluster.Produce("events", [LocalMessage.FromStrings(1, 2_000, "k", "v")]);

        Assert.Equal([0, 0, 1, 1, 2, 2], offsets);
        Assert.Equal([3], more);
        Assert.Equal(4, KafkaClients.Watermarks(cluster, "events", 1).High.Value);
    }

    [Fact]
    public void Messages_keep_their_given_order_within_a_partition()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);
        LocalMessage[] written = Enumerable.Range(0, 500)
            .Select(i => LocalMessage.FromStrings(0, 10_000 - i, null, i.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .ToArray();

        cluster.Produce("events", written);
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster);
        consumer.Assign(new TopicPartitionOffset("events", 0, 0));
        List<ConsumeResult<byte[]?, byte[]?>> read = KafkaClients.ConsumeMessages(consumer, written.Length);

        Assert.Equal(
            written.Select(m => KafkaClients.Utf8(m.Value)),
            read.Select(r => KafkaClients.Utf8(r.Message.Value)));
        Assert.Equal(Enumerable.Range(0, 500).Select(i => (long)i), read.Select(r => r.Offset.Value));
    }

    [Fact]
    public void A_message_above_one_megabyte_is_written_once_the_producer_limit_is_raised()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("large", partitions: 1);
        var value = new byte[1 << 20];
        Random.Shared.NextBytes(value);

        var refused = Assert.Throws<KafkaException>(() => cluster.Produce("large", [new LocalMessage(0, 1, null, value)]));
        cluster.MaxMessageBytes = 2 << 20;
        IReadOnlyList<long> offsets = cluster.Produce("large", [new LocalMessage(0, 1, null, value)]);

        Assert.Equal(ErrorCode.MsgSizeTooLarge, refused.Error.Code);
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster);
        consumer.Assign(new TopicPartitionOffset("large", 0, offsets[0]));
        Assert.Equal(value, Assert.Single(KafkaClients.ConsumeMessages(consumer, 1)).Message.Value);
    }

    [Theory]
    [InlineData(999)]
    [InlineData(1_000_000_001)]
    public void A_producer_message_limit_outside_librdkafkas_range_is_rejected(int bytes)
    {
        using var cluster = new LocalKafkaCluster();

        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.MaxMessageBytes = bytes);
        Assert.Equal(LocalKafkaCluster.DefaultMaxMessageBytes, cluster.MaxMessageBytes);
    }

    [Fact]
    public void Producing_nothing_returns_no_offsets()
    {
        using var cluster = new LocalKafkaCluster();

        Assert.Empty(cluster.Produce("events", []));
    }

    [Fact]
    public void Writing_to_a_partition_the_topic_lacks_fails_naming_topic_and_partition()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 2);

        var error = Assert.Throws<KafkaException>(
            () => cluster.Produce("events", [LocalMessage.FromStrings(0, 1, "k", "v"), LocalMessage.FromStrings(5, 1, "k", "v")]));

        Assert.Contains("events [5]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_with_a_negative_partition_or_timestamp_are_rejected_before_writing()
    {
        using var cluster = new LocalKafkaCluster();

        var partition = Assert.Throws<ArgumentException>(() => cluster.Produce("events", [new LocalMessage(-1, 0, null, null)]));
        var timestamp = Assert.Throws<ArgumentException>(() => cluster.Produce("events", [new LocalMessage(0, -5, null, null)]));

        Assert.Contains("partition -1", partition.Message, StringComparison.Ordinal);
        Assert.Contains("timestamp -5", timestamp.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => cluster.Produce("bad topic", [new LocalMessage(0, 0, null, null)]));
    }

    [Fact]
    public void String_messages_are_stored_as_utf8()
    {
        LocalMessage message = LocalMessage.FromStrings(1, 5, "clé", null);

        Assert.Equal("clé"u8.ToArray(), message.Key);
        Assert.Null(message.Value);
    }
}
