using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace TypedKafka.EndToEnd;

/// <summary>The data set: 8 partitions, 8-byte keys, 100-byte values, timestamps interleaved with skew.</summary>
internal static class Data
{
    public const int Partitions = 8;
    public const int ValueBytes = 100;
    private const long BaseTimestampMs = 1_767_225_600_000;

    /// <param name="headers">Headers per message (keys h0, h1, ..., 16-byte values), for the IncludeHeaders reader.</param>
    public static long Produce(string bootstrap, string topic, int messages, bool createTopic, int headers = 0)
    {
        if (createTopic)
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = bootstrap }).Build();
            admin.CreateTopicsAsync([new TopicSpecification { Name = topic, NumPartitions = Partitions, ReplicationFactor = -1 }]).GetAwaiter().GetResult();
        }

        // Large batches: the embedded brokers serve one message set per partition per fetch.
        var config = new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 50, BatchNumMessages = 10_000, BatchSize = 1_000_000, CompressionType = CompressionType.None };
        using var producer = new ProducerBuilder<byte[], byte[]>(config).Build();
        var value = new byte[ValueBytes];
        new Random(7).NextBytes(value);
        Headers? messageHeaders = null;
        if (headers > 0)
        {
            messageHeaders = [];
            for (var h = 0; h < headers; h++)
            {
                messageHeaders.Add($"h{h}", value[..16]);
            }
        }

        for (var i = 0; i < messages; i++)
        {
            var partition = i % Partitions;
            var sequence = i / Partitions;
            var timestamp = BaseTimestampMs + (sequence * 10L) + (partition * 3) + (partition % 3 * 250);
            var message = new Message<byte[], byte[]> { Key = BitConverter.GetBytes((long)i), Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime), Headers = messageHeaders };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, partition), message);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    // The client's send queue is full (the brokers are slower than this loop): let it drain.
                    producer.Poll(TimeSpan.FromMilliseconds(100));
                }
            }

            if (i % 10_000 == 0)
            {
                producer.Poll(TimeSpan.Zero);
            }
        }

        if (producer.Flush(TimeSpan.FromSeconds(60)) > 0)
        {
            throw new InvalidOperationException("Not every message was delivered within 60 s.");
        }

        return messages;
    }
}
