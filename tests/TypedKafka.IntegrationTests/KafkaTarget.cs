using Confluent.Kafka;
using Confluent.Kafka.Admin;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

/// <summary>
/// The cluster a test runs against: a fresh <see cref="LocalKafkaCluster"/>, or the real cluster
/// that <c>TYPEDKAFKA_BOOTSTRAP</c> points at (topics get unique names there).
/// </summary>
public sealed class KafkaTarget : IDisposable
{
    public const string BootstrapVariable = "TYPEDKAFKA_BOOTSTRAP";

    private KafkaTarget(LocalKafkaCluster? local, string bootstrapServers)
    {
        Local = local;
        BootstrapServers = bootstrapServers;
    }

    public LocalKafkaCluster? Local { get; }

    public string BootstrapServers { get; }

    public bool IsLocal => Local is not null;

    public static string? RealBootstrap => Environment.GetEnvironmentVariable(BootstrapVariable) is { Length: > 0 } value ? value : null;

    public static KafkaTarget OnLocalCluster(int brokers = 1)
    {
        var cluster = new LocalKafkaCluster(brokers);
        return new KafkaTarget(cluster, cluster.BootstrapServers);
    }

    public static KafkaTarget OnRealCluster()
    {
        Skip.If(RealBootstrap is null, $"{BootstrapVariable} is not set: no real Kafka cluster to run against.");
        return new KafkaTarget(null, RealBootstrap!);
    }

    public Dictionary<string, string> Config(params (string Key, string Value)[] extra)
    {
        var config = new Dictionary<string, string> { ["bootstrap.servers"] = BootstrapServers };
        foreach (var (key, value) in extra)
        {
            config[key] = value;
        }

        return config;
    }

    /// <summary>Creates a topic with a name no other test uses.</summary>
    public string NewTopic(string stem, int partitions)
    {
        var name = $"{stem}-{Guid.NewGuid():N}"[..Math.Min(stem.Length + 13, 249)];
        if (Local is not null)
        {
            Local.CreateTopic(name, partitions);
            return name;
        }

        using var admin = new AdminClientBuilder(Config()).Build();
        admin.CreateTopicsAsync([new TopicSpecification { Name = name, NumPartitions = partitions, ReplicationFactor = -1 }])
            .GetAwaiter().GetResult();
        return name;
    }

    public IReadOnlyList<long> Produce(string topic, IEnumerable<LocalMessage> messages)
    {
        if (Local is not null)
        {
            return Local.Produce(topic, messages);
        }

        using var producer = new ProducerBuilder<byte[]?, byte[]?>(Config(("enable.idempotence", "true"))).Build();
        var offsets = new List<long>();
        foreach (var message in messages)
        {
            var result = producer.ProduceAsync(
                new TopicPartition(topic, message.Partition),
                new Message<byte[]?, byte[]?> { Key = message.Key, Value = message.Value, Timestamp = new Timestamp(message.TimestampMs, TimestampType.CreateTime) })
                .GetAwaiter().GetResult();
            offsets.Add(result.Offset.Value);
        }

        return offsets;
    }

    public void Dispose() => Local?.Dispose();
}
