using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>Offset resolution against real brokers, through the consumer's own connections.</summary>
internal sealed class KafkaOffsetSource(IConsumer<StagedBytes, StagedBytes> consumer, IAdminClient admin, TimeSpan timeout, string bootstrapServers)
    : IOffsetSource
{
    public IReadOnlyList<int> Partitions(string topic)
    {
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(topic, timeout);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not read metadata of topic '{topic}' from bootstrap.servers '{bootstrapServers}' within {timeout.TotalSeconds:0.#} s: {e.Error.Reason}"), e);
        }

        var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code == ErrorCode.UnknownTopicOrPart || (found.Error.Code == ErrorCode.NoError && found.Partitions.Count == 0))
        {
            throw new ArgumentException($"Topic '{topic}' does not exist on the cluster at '{bootstrapServers}'.");
        }

        if (found.Error.IsError)
        {
            throw new KafkaException(new Error(found.Error.Code, $"Topic '{topic}': {found.Error.Reason}"));
        }

        return [.. found.Partitions.Select(p => p.PartitionId).Order()];
    }

    public (long Low, long High) Watermarks(string topic, int partition)
    {
        try
        {
            var offsets = consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), timeout);
            return (offsets.Low.Value, offsets.High.Value);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not read the offsets of {topic}[{partition}]: {e.Error.Reason}"), e);
        }
    }

    public IReadOnlyDictionary<int, long?> OffsetsForTimestamp(string topic, IReadOnlyList<int> partitions, long timestampMs)
    {
        var query = partitions.Select(p => new TopicPartitionTimestamp(topic, p, new Timestamp(timestampMs, TimestampType.CreateTime)));
        try
        {
            return consumer.OffsetsForTimes(query, timeout)
                .ToDictionary(r => r.Partition.Value, r => r.Offset.IsSpecial ? (long?)null : r.Offset.Value);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not look up the offsets of topic '{topic}' at {timestampMs} ms: {e.Error.Reason}"), e);
        }
    }

    public IReadOnlyDictionary<int, long?> Committed(string topic, IReadOnlyList<int> partitions)
    {
        try
        {
            return consumer.Committed(partitions.Select(p => new TopicPartition(topic, p)), timeout)
                .ToDictionary(r => r.Partition.Value, r => r.Offset.IsSpecial ? (long?)null : r.Offset.Value);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not read the committed offsets of topic '{topic}': {e.Error.Reason}"), e);
        }
    }
}
