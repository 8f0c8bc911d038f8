using System.Collections.Concurrent;
using Confluent.Kafka;

namespace TypedKafka.Testing.Tests;

/// <summary>Plain Confluent.Kafka clients against a <see cref="LocalKafkaCluster"/>, tuned to notice faults quickly.</summary>
internal static class KafkaClients
{
    /// <summary>A deadline on conditions, reached early when all is well: generous, since on a loaded machine a group join alone can take seconds.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    internal static ConsumerConfig ConsumerConfig(LocalKafkaCluster cluster) => new()
    {
        BootstrapServers = cluster.BootstrapServers,
        GroupId = "typedkafka-testing-tests-" + Guid.NewGuid().ToString("N"),
        EnableAutoCommit = false,
        SocketTimeoutMs = 5_000,
        SessionTimeoutMs = 6_000,
        FetchWaitMaxMs = 50,
        ReconnectBackoffMs = 20,
        ReconnectBackoffMaxMs = 200,
    };

    /// <summary>A consumer whose client errors (connection failures and the like) are collected in <paramref name="errors"/>.</summary>
    internal static IConsumer<byte[]?, byte[]?> Consumer(ConsumerConfig config, ConcurrentQueue<Error>? errors = null) =>
        new ConsumerBuilder<byte[]?, byte[]?>(config)
            .SetErrorHandler((_, error) => errors?.Enqueue(error))
            .SetLogHandler((_, _) => { })
            .Build();

    internal static IConsumer<byte[]?, byte[]?> Consumer(LocalKafkaCluster cluster, ConcurrentQueue<Error>? errors = null) =>
        Consumer(ConsumerConfig(cluster), errors);

    internal static IAdminClient Admin(LocalKafkaCluster cluster) =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = cluster.BootstrapServers })
            .SetLogHandler((_, _) => { })
            .Build();

    /// <summary>Consumes until <paramref name="count"/> messages (EOF events excluded) arrived or <see cref="Timeout"/> passed.</summary>
    internal static List<ConsumeResult<byte[]?, byte[]?>> ConsumeMessages(IConsumer<byte[]?, byte[]?> consumer, int count)
    {
        var messages = new List<ConsumeResult<byte[]?, byte[]?>>();
        DateTime deadline = DateTime.UtcNow + Timeout;
        while (messages.Count < count && DateTime.UtcNow < deadline)
        {
            ConsumeResult<byte[]?, byte[]?>? result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is { IsPartitionEOF: false })
            {
                messages.Add(result);
            }
        }

        return messages;
    }

    /// <summary>Consumes until the first partition-EOF event, or <see cref="Timeout"/>; returns it and the messages before it.</summary>
    internal static (List<ConsumeResult<byte[]?, byte[]?>> Messages, ConsumeResult<byte[]?, byte[]?>? Eof) ConsumeToEof(
        IConsumer<byte[]?, byte[]?> consumer)
    {
        var messages = new List<ConsumeResult<byte[]?, byte[]?>>();
        DateTime deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            ConsumeResult<byte[]?, byte[]?>? result = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                return (messages, result);
            }

            messages.Add(result);
        }

        return (messages, null);
    }

    /// <summary>Polls <paramref name="consumer"/> until <paramref name="condition"/> holds or <see cref="Timeout"/> passed.</summary>
    internal static bool PollUntil(IConsumer<byte[]?, byte[]?> consumer, Func<bool> condition)
    {
        DateTime deadline = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            _ = consumer.Consume(TimeSpan.FromMilliseconds(50));
        }

        return true;
    }

    internal static WatermarkOffsets Watermarks(LocalKafkaCluster cluster, string topic, int partition)
    {
        using IConsumer<byte[]?, byte[]?> consumer = Consumer(cluster);
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), Timeout);
    }

    internal static string Utf8(byte[]? bytes) => bytes is null ? "<null>" : System.Text.Encoding.UTF8.GetString(bytes);
}
