using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

public sealed class TopicTests
{
    [Fact]
    public void A_created_topic_has_the_requested_partitions_in_metadata()
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);
        cluster.CreateTopic("events", partitions: 5, replicationFactor: 2);
        using IAdminClient admin = KafkaClients.Admin(cluster);

        TopicMetadata topic = Assert.Single(admin.GetMetadata("events", KafkaClients.Timeout).Topics);

        Assert.False(topic.Error.IsError, topic.Error.Reason);
        Assert.Equal([0, 1, 2, 3, 4], topic.Partitions.Select(partition => partition.PartitionId).Order());
        Assert.All(topic.Partitions, partition => Assert.Equal(2, partition.Replicas.Length));
    }

    [Fact]
    public void A_created_topic_starts_empty_at_offset_0()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 2);

        WatermarkOffsets watermarks = KafkaClients.Watermarks(cluster, "events", 1);

        Assert.Equal(0, watermarks.Low.Value);
        Assert.Equal(0, watermarks.High.Value);
    }

    [Fact]
    public void Creating_an_existing_topic_fails_naming_the_topic()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);

        var error = Assert.Throws<KafkaException>(() => cluster.CreateTopic("events", partitions: 1));

        Assert.Equal(ErrorCode.TopicAlreadyExists, error.Error.Code);
        Assert.Contains("'events'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_topic_first_written_without_being_created_gets_4_partitions()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.Produce("auto", [LocalMessage.FromStrings(3, 1_000, "k", "v")]);
        using IAdminClient admin = KafkaClients.Admin(cluster);

        TopicMetadata topic = Assert.Single(admin.GetMetadata("auto", KafkaClients.Timeout).Topics);

        Assert.Equal(4, topic.Partitions.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("slash/ed")]
    [InlineData("ünicode")]
    public void Invalid_topic_names_are_rejected_naming_the_topic(string topic)
    {
        using var cluster = new LocalKafkaCluster();

        var error = Assert.Throws<ArgumentException>(() => cluster.CreateTopic(topic, partitions: 1));

        Assert.Equal("name", error.ParamName);
        Assert.Contains($"'{topic}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_topic_name_longer_than_249_characters_is_rejected()
    {
        using var cluster = new LocalKafkaCluster();

        Assert.Throws<ArgumentException>(() => cluster.CreateTopic(new string('t', 250), partitions: 1));
        cluster.CreateTopic(new string('t', 249), partitions: 1);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-3, 1)]
    [InlineData(1, 0)]
    [InlineData(1, 3)]
    public void Partitions_below_1_and_replication_outside_1_to_broker_count_are_rejected(int partitions, int replicationFactor)
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);

        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.CreateTopic("events", partitions, replicationFactor));
    }

    /// <summary>
    /// The embedded brokers have no CreatePartitions handler: a topic cannot gain partitions there, so
    /// partition discovery and a group's pick-up of new partitions are tested on the engine, and against
    /// a real cluster when TYPEDKAFKA_BOOTSTRAP is set. Measured: the request fails, the topic keeps its partitions.
    /// </summary>
    [Fact]
    public void A_topic_cannot_gain_partitions_through_the_admin_protocol()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 2);
        using IAdminClient admin = KafkaClients.Admin(cluster);

        var error = Assert.ThrowsAny<KafkaException>(() => admin.CreatePartitionsAsync(
            [new Confluent.Kafka.Admin.PartitionsSpecification { Topic = "events", IncreaseTo = 4 }],
            new Confluent.Kafka.Admin.CreatePartitionsOptions { RequestTimeout = TimeSpan.FromSeconds(3), OperationTimeout = TimeSpan.FromSeconds(3) }).GetAwaiter().GetResult());

        Assert.NotNull(error.Message);
        Assert.Equal(2, Assert.Single(admin.GetMetadata("events", KafkaClients.Timeout).Topics).Partitions.Count);
    }
}
