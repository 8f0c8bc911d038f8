using Confluent.Kafka;
using Confluent.Kafka.Admin;
using TypedKafka.Testing;

/// <summary>Where the demo writes: the embedded cluster, or a cluster given on the command line.</summary>
internal abstract class DemoCluster
{
    public abstract string BootstrapServers { get; }

    public static DemoCluster Embedded(LocalKafkaCluster cluster) => new EmbeddedCluster(cluster);

    public static DemoCluster Remote(string bootstrapServers) => new RemoteCluster(bootstrapServers);

    /// <summary>The name the demo's topic has on this cluster.</summary>
    public abstract string TopicName(string name);

    public abstract void CreateTopic(string name, int partitions);

    public abstract void Produce(string topic, IReadOnlyList<LocalMessage> messages);

    private sealed class EmbeddedCluster(LocalKafkaCluster cluster) : DemoCluster
    {
        public override string BootstrapServers => cluster.BootstrapServers;

        public override string TopicName(string name) => name;

        public override void CreateTopic(string name, int partitions) => cluster.CreateTopic(name, partitions);

        public override void Produce(string topic, IReadOnlyList<LocalMessage> messages) => cluster.Produce(topic, messages);
    }

    private sealed class RemoteCluster(string bootstrapServers) : DemoCluster
    {
        // Topics of earlier runs are left alone: each run writes to its own.
        private readonly string _suffix = DateTimeOffset.UtcNow.ToString("MMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);
        private bool _brokersCreateNoTopics;

        public override string BootstrapServers => bootstrapServers;

        public override string TopicName(string name) => $"{name}-{_suffix}";

        public override void CreateTopic(string name, int partitions)
        {
            if (_brokersCreateNoTopics)
            {
                return;
            }

            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
            try
            {
                admin.CreateTopicsAsync(
                    [new TopicSpecification { Name = TopicName(name), NumPartitions = partitions, ReplicationFactor = -1 }],
                    new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(5) }).GetAwaiter().GetResult();
            }
            catch (KafkaException e)
            {
                // `typedkafka local` (librdkafka's mock brokers) answers no CreateTopics, but creates a
                // topic of four partitions, enough for the demo's, when it is first produced to.
                Console.Error.WriteLine($"Could not create topic {TopicName(name)} ({e.Error.Reason}); producing anyway, for brokers that create topics on first use.");
                _brokersCreateNoTopics = true;
            }
        }

        public override void Produce(string topic, IReadOnlyList<LocalMessage> messages)
        {
            using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrapServers, EnableIdempotence = true }).Build();
            foreach (var message in messages)
            {
                producer.Produce(
                    new TopicPartition(TopicName(topic), message.Partition),
                    new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Timestamp = new Timestamp(message.TimestampMs, TimestampType.CreateTime) });
            }

            var undelivered = producer.Flush(TimeSpan.FromSeconds(30));
            if (undelivered > 0)
            {
                throw new InvalidOperationException($"{undelivered} messages were not delivered to {TopicName(topic)} at {bootstrapServers} within 30 s.");
            }
        }
    }
}
