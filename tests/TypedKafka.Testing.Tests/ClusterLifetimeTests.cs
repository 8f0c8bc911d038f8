using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

public sealed class ClusterLifetimeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Bootstrap_servers_list_one_loopback_endpoint_per_broker(int brokers)
    {
        using var cluster = new LocalKafkaCluster(brokers);

        IPEndPoint[] endpoints = Endpoints(cluster);

        Assert.Equal(brokers, cluster.BrokerCount);
        Assert.Equal(brokers, endpoints.Length);
        Assert.All(endpoints, endpoint => Assert.Equal(IPAddress.Loopback, endpoint.Address));
        Assert.Equal(brokers, endpoints.Select(endpoint => endpoint.Port).Distinct().Count());
    }

    [Fact]
    public void Brokers_advertise_ids_1_to_n_on_loopback_in_metadata()
    {
        using var cluster = new LocalKafkaCluster(brokers: 3);
        using IAdminClient admin = KafkaClients.Admin(cluster);

        Metadata metadata = admin.GetMetadata(KafkaClients.Timeout);

        Assert.Equal([1, 2, 3], metadata.Brokers.Select(broker => broker.BrokerId).Order());
        Assert.All(metadata.Brokers, broker => Assert.Equal("127.0.0.1", broker.Host));
        Assert.Equal(
            Endpoints(cluster).Select(endpoint => endpoint.Port).Order(),
            metadata.Brokers.Select(broker => broker.Port).Order());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_cluster_needs_at_least_one_broker(int brokers)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new LocalKafkaCluster(brokers));

        Assert.Equal("brokers", error.ParamName);
    }

    [Fact]
    public void Dispose_stops_the_brokers_so_new_connections_are_refused()
    {
        var cluster = new LocalKafkaCluster(brokers: 2);
        IPEndPoint[] endpoints = Endpoints(cluster);

        cluster.Dispose();

        Assert.All(endpoints, endpoint =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            var error = Assert.Throws<SocketException>(() => socket.Connect(endpoint));
            Assert.Equal(SocketError.ConnectionRefused, error.SocketErrorCode);
        });
    }

    [Fact]
    public void Dispose_twice_is_harmless_and_later_calls_report_the_disposed_cluster()
    {
        var cluster = new LocalKafkaCluster();

        cluster.Dispose();
        cluster.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("events", partitions: 1));
        Assert.Throws<ObjectDisposedException>(() => cluster.Produce("events", [LocalMessage.FromStrings(0, 1, "k", "v")]));
        Assert.Throws<ObjectDisposedException>(() => cluster.SetBrokerDown(1));
        Assert.Throws<ObjectDisposedException>(() => cluster.PushRequestErrors(KafkaApiKey.Fetch, ErrorCode.NotLeaderForPartition));
    }

    [Fact]
    public void Two_clusters_run_side_by_side_on_different_ports()
    {
        using var first = new LocalKafkaCluster();
        using var second = new LocalKafkaCluster();

        Assert.NotEqual(Endpoints(first)[0].Port, Endpoints(second)[0].Port);
    }

    private static IPEndPoint[] Endpoints(LocalKafkaCluster cluster) =>
        cluster.BootstrapServers.Split(',').Select(IPEndPoint.Parse).ToArray();
}
