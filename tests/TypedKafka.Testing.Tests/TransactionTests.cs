using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

public sealed class TransactionTests
{
    [Fact]
    public void A_committed_transaction_ends_each_partition_with_a_commit_marker_after_the_last_message()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 2);

        IReadOnlyList<long> offsets = cluster.ProduceTransaction(
            "events",
            Enumerable.Range(0, 5).Select(i => LocalMessage.FromStrings(0, 1_000 + i, $"k{i}", $"v{i}")));

        Assert.Equal([0, 1, 2, 3, 4], offsets);
        // The marker takes offset 5, so the high watermark is 6: one past the marker, two past the last message.
        Assert.Equal(6, KafkaClients.Watermarks(cluster, "events", 0).High.Value);
        Assert.Equal(0, KafkaClients.Watermarks(cluster, "events", 1).High.Value);
    }

    [Fact]
    public void A_consumer_reaches_partition_eof_at_the_high_watermark_past_the_marker()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);
        cluster.ProduceTransaction(
            "events",
            Enumerable.Range(0, 5).Select(i => LocalMessage.FromStrings(0, 1_000 + i, $"k{i}", $"v{i}")));
        ConsumerConfig config = KafkaClients.ConsumerConfig(cluster);
        config.EnablePartitionEof = true;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(config);

        consumer.Assign(new TopicPartitionOffset("events", 0, Offset.Beginning));
        var (messages, eof) = KafkaClients.ConsumeToEof(consumer);

        Assert.Equal([0L, 1, 2, 3, 4], messages.Select(m => m.Offset.Value));
        Assert.NotNull(eof);
        Assert.Equal(6, eof.Offset.Value);
    }

    [Fact]
    public void Transactions_on_several_partitions_each_get_their_own_marker()
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);
        cluster.CreateTopic("events", partitions: 3);
        cluster.Produce("events", [LocalMessage.FromStrings(2, 1, "plain", "before")]);

        IReadOnlyList<long> offsets = cluster.ProduceTransaction(
            "events",
            [LocalMessage.FromStrings(0, 10, "a", "1"), LocalMessage.FromStrings(2, 11, "b", "2"), LocalMessage.FromStrings(0, 12, "c", "3")]);
        IReadOnlyList<long> next = cluster.ProduceTransaction("events", [LocalMessage.FromStrings(2, 13, "d", "4")]);

        Assert.Equal([0, 1, 1], offsets);
        Assert.Equal([3], next);
        Assert.Equal(3, KafkaClients.Watermarks(cluster, "events", 0).High.Value);
        Assert.Equal(5, KafkaClients.Watermarks(cluster, "events", 2).High.Value);
    }

    [Fact]
    public void A_transaction_whose_write_fails_is_aborted_so_read_committed_consumers_see_none_of_it()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);

        cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.TopicAuthorizationFailed);
        var error = Assert.Throws<KafkaException>(
            () => cluster.ProduceTransaction("events", [LocalMessage.FromStrings(0, 1, "k", "aborted")]));
        cluster.ProduceTransaction("events", [LocalMessage.FromStrings(0, 2, "k", "committed")]);
        ConsumerConfig config = KafkaClients.ConsumerConfig(cluster);
        config.EnablePartitionEof = true;
        config.IsolationLevel = IsolationLevel.ReadCommitted;
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(config);
        consumer.Assign(new TopicPartitionOffset("events", 0, Offset.Beginning));
        var (messages, eof) = KafkaClients.ConsumeToEof(consumer);

        Assert.Contains("events [0]", error.Message, StringComparison.Ordinal);
        Assert.Equal(["committed"], messages.Select(m => KafkaClients.Utf8(m.Message.Value)));
        Assert.NotNull(eof);
    }
}
