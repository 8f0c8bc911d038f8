using Confluent.Kafka;

namespace TypedKafka.Testing;

/// <summary>
/// Writes messages with a short-lived producer and reports where each landed. A producer per call keeps
/// calls independent: a fault injected into one call (a fatal producer error, a fenced transactional id)
/// cannot leak into the next.
/// </summary>
internal static class MessageWriter
{
    private static readonly TimeSpan s_deliveryTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_queueFullBackoff = TimeSpan.FromMilliseconds(50);

    internal static long[] Write(string bootstrapServers, string topic, LocalMessage[] messages, int maxMessageBytes, bool transactional)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "typedkafka-local-producer",
            // Idempotence keeps each partition in the order given, also when a request is retried.
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
            MessageTimeoutMs = (int)s_deliveryTimeout.TotalMilliseconds,
            MessageMaxBytes = maxMessageBytes,
        };
        if (transactional)
        {
            config.TransactionalId = "typedkafka-local-" + Guid.NewGuid().ToString("N");
        }

        using IProducer<byte[]?, byte[]?> producer = new ProducerBuilder<byte[]?, byte[]?>(config).Build();
        if (!transactional)
        {
            return Deliver(producer, topic, messages);
        }

        producer.InitTransactions(s_deliveryTimeout);
        producer.BeginTransaction();
        try
        {
            long[] offsets = Deliver(producer, topic, messages);
            producer.CommitTransaction(s_deliveryTimeout);
            return offsets;
        }
        catch
        {
            AbortQuietly(producer);
            throw;
        }
    }

    private static long[] Deliver(IProducer<byte[]?, byte[]?> producer, string topic, LocalMessage[] messages)
    {
        var offsets = new long[messages.Length];
        var errors = new Error?[messages.Length];
        // Delivery reports arrive on the client's poll thread; Flush returning does not prove the handlers
        // have finished writing their results, so each handler signals when it has. Not disposed: a handler
        // may still run after an early exit from this method.
        var delivered = new CountdownEvent(messages.Length);

        for (int i = 0; i < messages.Length; i++)
        {
            LocalMessage message = messages[i];
            int index = i;
            var kafkaMessage = new Message<byte[]?, byte[]?>
            {
                Key = message.Key,
                Value = message.Value,
                Timestamp = new Timestamp(message.TimestampMs, TimestampType.CreateTime),
                Headers = ToHeaders(message.Headers),
            };
            void OnDelivered(DeliveryReport<byte[]?, byte[]?> report)
            {
                offsets[index] = report.Offset.Value;
                if (report.Error.IsError)
                {
                    errors[index] = report.Error;
                }

                delivered.Signal();
            }

            ProduceWhenQueued(producer, new TopicPartition(topic, message.Partition), kafkaMessage, OnDelivered);
        }

        producer.Flush(s_deliveryTimeout);
        if (!delivered.Wait(s_deliveryTimeout))
        {
            throw new TimeoutException(
                $"{delivered.CurrentCount} of {messages.Length} message(s) to topic '{topic}' were not acknowledged within {s_deliveryTimeout.TotalSeconds:0} s.");
        }

        ThrowOnFailedDelivery(topic, messages, errors);
        return offsets;
    }

    private static Headers? ToHeaders(IReadOnlyList<KeyValuePair<string, byte[]?>>? headers)
    {
        if (headers is null)
        {
            return null;
        }

        var result = new Headers();
        foreach (var (key, value) in headers)
        {
            result.Add(key, value);
        }

        return result;
    }

    private static void ProduceWhenQueued(
        IProducer<byte[]?, byte[]?> producer,
        TopicPartition partition,
        Message<byte[]?, byte[]?> message,
        Action<DeliveryReport<byte[]?, byte[]?>> onDelivered)
    {
        while (true)
        {
            try
            {
                producer.Produce(partition, message, onDelivered);
                return;
            }
            catch (ProduceException<byte[]?, byte[]?> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Flush(s_queueFullBackoff);
            }
            catch (ProduceException<byte[]?, byte[]?> e)
            {
                // Refused before it was queued, e.g. a partition the client already knows does not exist.
                throw new KafkaException(
                    new Error(e.Error.Code, $"A message to {partition.Topic} [{partition.Partition.Value}] was refused: {e.Error.Reason}"),
                    e);
            }
        }
    }

    private static void ThrowOnFailedDelivery(string topic, LocalMessage[] messages, Error?[] errors)
    {
        int failed = 0;
        int first = -1;
        for (int i = 0; i < errors.Length; i++)
        {
            if (errors[i] is not null)
            {
                failed++;
                first = first < 0 ? i : first;
            }
        }

        if (failed > 0)
        {
            Error error = errors[first]!;
            throw new KafkaException(new Error(
                error.Code,
                $"{failed} of {messages.Length} message(s) to topic '{topic}' were not delivered; the first, message {first} " +
                $"to {topic} [{messages[first].Partition}], failed with {error.Code}: {error.Reason}",
                error.IsFatal));
        }
    }

    private static void AbortQuietly(IProducer<byte[]?, byte[]?> producer)
    {
        try
        {
            producer.AbortTransaction(s_deliveryTimeout);
        }
        catch (KafkaException)
        {
            // The failure that led here is the one worth reporting.
        }
    }
}
