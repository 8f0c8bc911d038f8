using Confluent.Kafka;
using Confluent.Kafka.Admin;
using TypedKafka.Testing;

/// <summary>Where the demo writes: the embedded cluster, or a cluster given on the command line.</summary>
internal abstract class DemoCluster
{
    public abstract string BootstrapServers { get; }

    public static DemoCluster Embedded(LocalKafkaCluster cluster) => new EmbeddedCluster(cluster);

    public static DemoCluster Remote(string bootstrapServers) => new RemoteCluster(bootstrapServers);

    public abstract void CreateTopic(string name, int partitions);

    public abstract void Produce(string topic, IReadOnlyList<LocalMessage> messages);

    private sealed class EmbeddedCluster(LocalKafkaCluster cluster) : DemoCluster
    {
        public override string BootstrapServers => cluster.BootstrapServers;

        public override void CreateTopic(string name, int partitions) => cluster.CreateTopic(name, partitions);

        public override void Produce(string topic, IReadOnlyList<LocalMessage> messages) => cluster.Produce(topic, messages);
    }

    private sealed class RemoteCluster(string bootstrapServers) : DemoCluster
    {
        // Topics of earlier runs are left alone: each run writes to its own.
        private readonly string _suffix = DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

        public override string BootstrapServers => bootstrapServers;

        public override void CreateTopic(string name, int partitions)
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
            admin.CreateTopicsAsync([new TopicSpecification { Name = Name(name), NumPartitions = partitions, ReplicationFactor = -1 }]).GetAwaiter().GetResult();
        }

        public override void Produce(string topic, IReadOnlyList<LocalMessage> messages)
        {
            using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrapServers, EnableIdempotence = true }).Build();
            foreach (var message in messages)
            {
                producer.Produce(
                    new TopicPartition(Name(topic), message.Partition),
                    new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Timestamp = new Timestamp(message.TimestampMs, TimestampType.CreateTime) });
            }

            producer.Flush(TimeSpan.FromSeconds(30));
        }

        private string Name(string topic) => $"quickstart-{topic}-{_suffix}";
    }
}
