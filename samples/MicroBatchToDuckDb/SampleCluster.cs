using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using TypedKafka.Testing;

namespace MicroBatchToDuckDb;

/// <summary>Where the sample writes its page views: an embedded cluster, or the one given with --bootstrap-servers.</summary>
internal abstract class SampleCluster
{
    public abstract string BootstrapServers { get; }

    public static SampleCluster Embedded(LocalKafkaCluster cluster) => new EmbeddedCluster(cluster);

    public static SampleCluster Remote(string bootstrapServers) => new RemoteCluster(bootstrapServers);

    /// <summary>Creates a topic for this run; returns its name.</summary>
    public abstract string CreateTopic(string name, int partitions);

    public abstract void Produce(string topic, IReadOnlyList<LocalMessage> messages);

    private sealed class EmbeddedCluster(LocalKafkaCluster cluster) : SampleCluster
    {
        public override string BootstrapServers => cluster.BootstrapServers;

        public override string CreateTopic(string name, int partitions)
        {
            cluster.CreateTopic(name, partitions);
            return name;
        }

        public override void Produce(string topic, IReadOnlyList<LocalMessage> messages) => cluster.Produce(topic, messages);
    }

    private sealed class RemoteCluster(string bootstrapServers) : SampleCluster
    {
        public override string BootstrapServers => bootstrapServers;

        public override string CreateTopic(string name, int partitions)
        {
            // A topic of its own per run: the same page views, never mixed with an earlier run's.
            var topic = $"{name}-{DateTimeOffset.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}";
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrapServers }).Build();
            try
            {
                admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = -1 }]).GetAwaiter().GetResult();
            }
            catch (KafkaException e)
            {
                // `typedkafka local` (librdkafka's mock brokers) answers no CreateTopics, but creates a topic
                // of four partitions on first produce.
                Console.Error.WriteLine($"Could not create topic {topic} ({e.Error.Reason}); producing to it anyway, for brokers that create topics on first use.");
            }

            return topic;
        }

        public override void Produce(string topic, IReadOnlyList<LocalMessage> messages)
        {
            using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrapServers, EnableIdempotence = true }).Build();
            foreach (var message in messages)
            {
                producer.Produce(
                    new TopicPartition(topic, message.Partition),
                    new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Timestamp = new Timestamp(message.TimestampMs, TimestampType.CreateTime) });
            }

            var undelivered = producer.Flush(TimeSpan.FromSeconds(30));
            if (undelivered > 0)
            {
                throw new InvalidOperationException($"{undelivered} page views were not delivered to {bootstrapServers} within 30 s.");
            }
        }
    }
}
