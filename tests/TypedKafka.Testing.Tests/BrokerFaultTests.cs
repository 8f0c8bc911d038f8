using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

public sealed class BrokerFaultTests
{
    [Fact]
    public void A_down_broker_refuses_connections_until_it_is_up_again()
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);
        IPEndPoint second = IPEndPoint.Parse(cluster.BootstrapServers.Split(',')[1]);

        cluster.SetBrokerDown(2);
        SocketError whileDown = TryConnect(second);
        cluster.SetBrokerUp(2);
        SocketError afterUp = TryConnect(second);

        Assert.Equal(SocketError.ConnectionRefused, whileDown);
        Assert.Equal(SocketError.Success, afterUp);
    }

    [Fact]
    public void Consumption_resumes_after_the_leader_is_down_and_up_again_without_losing_messages()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);
        cluster.Produce("events", Batch(first: 0, count: 5));
        var errors = new ConcurrentQueue<Error>();
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster, errors);
        consumer.Assign(new TopicPartitionOffset("events", 0, 0));
        List<ConsumeResult<byte[]?, byte[]?>> beforeOutage = KafkaClients.ConsumeMessages(consumer, 5);

        cluster.SetBrokerDown(1);
        bool noticed = KafkaClients.PollUntil(consumer, () => errors.Any(e => e.Code is ErrorCode.Local_Transport or ErrorCode.Local_AllBrokersDown));
        cluster.SetBrokerUp(1);
        cluster.Produce("events", Batch(first: 5, count: 5));
        List<ConsumeResult<byte[]?, byte[]?>> afterOutage = KafkaClients.ConsumeMessages(consumer, 5);

        Assert.True(noticed, "the consumer never reported losing its broker; errors seen: " + string.Join("; ", errors));
        Assert.Equal(
            Enumerable.Range(0, 10).Select(i => $"v{i}"),
            beforeOutage.Concat(afterOutage).Select(r => KafkaClients.Utf8(r.Message.Value)));
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), beforeOutage.Concat(afterOutage).Select(r => r.Offset.Value));
    }

    [Fact]
    public void Messages_written_before_an_outage_are_still_there_after_it()
    {
        using var cluster = new LocalKafkaCluster();
        cluster.CreateTopic("events", partitions: 1);
        cluster.Produce("events", Batch(first: 0, count: 3));

        cluster.SetBrokerDown(1);
        cluster.SetBrokerUp(1);
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster);
        consumer.Assign(new TopicPartitionOffset("events", 0, Offset.Beginning));

        Assert.Equal(["v0", "v1", "v2"], KafkaClients.ConsumeMessages(consumer, 3).Select(r => KafkaClients.Utf8(r.Message.Value)));
    }

    [Fact]
    public void A_moved_partition_leader_shows_in_metadata_and_the_partition_still_serves_reads_and_writes()
    {
        using var cluster = new LocalKafkaCluster(brokers: 3);
        cluster.CreateTopic("events", partitions: 2, replicationFactor: 3);
        cluster.Produce("events", Batch(first: 0, count: 2));

        cluster.SetPartitionLeader("events", 0, brokerId: 3);
        cluster.Produce("events", Batch(first: 2, count: 2));
        using IAdminClient admin = KafkaClients.Admin(cluster);
        TopicMetadata topic = Assert.Single(admin.GetMetadata("events", KafkaClients.Timeout).Topics);
        using IConsumer<byte[]?, byte[]?> consumer = KafkaClients.Consumer(cluster);
        consumer.Assign(new TopicPartitionOffset("events", 0, Offset.Beginning));

        Assert.Equal(3, topic.Partitions.Single(p => p.PartitionId == 0).Leader);
        Assert.Equal(["v0", "v1", "v2", "v3"], KafkaClients.ConsumeMessages(consumer, 4).Select(r => KafkaClients.Utf8(r.Message.Value)));
    }

    [Fact]
    public void A_partition_can_be_left_without_a_leader()
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);
        cluster.CreateTopic("events", partitions: 1);

        cluster.SetPartitionLeader("events", 0, brokerId: -1);
        using IAdminClient admin = KafkaClients.Admin(cluster);
        TopicMetadata topic = Assert.Single(admin.GetMetadata("events", KafkaClients.Timeout).Topics);

        Assert.Equal(-1, Assert.Single(topic.Partitions).Leader);
    }

    [Fact]
    public void Setting_the_leader_of_a_missing_partition_fails_naming_it()
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);
        cluster.CreateTopic("events", partitions: 2);

        var error = Assert.Throws<KafkaException>(() => cluster.SetPartitionLeader("events", 7, brokerId: 2));

        Assert.Equal(ErrorCode.UnknownTopicOrPart, error.Error.Code);
        Assert.Contains("events [7]", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(-2)]
    public void Broker_ids_outside_1_to_broker_count_are_rejected(int brokerId)
    {
        using var cluster = new LocalKafkaCluster(brokers: 2);
        cluster.CreateTopic("events", partitions: 1);

        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerDown(brokerId));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetBrokerUp(brokerId));
        Assert.Throws<ArgumentOutOfRangeException>(() => cluster.SetPartitionLeader("events", 0, brokerId));
    }

    private static IEnumerable<LocalMessage> Batch(int first, int count) =>
        Enumerable.Range(first, count).Select(i => LocalMessage.FromStrings(0, 1_000 + i, $"k{i}", $"v{i}"));

    private static SocketError TryConnect(IPEndPoint endpoint)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.Connect(endpoint);
            return SocketError.Success;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode;
        }
    }
}
