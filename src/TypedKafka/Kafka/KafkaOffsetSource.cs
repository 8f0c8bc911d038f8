using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace TypedKafka.Kafka;

/// <summary>
/// Offset resolution against real brokers, through the consumer's own connections. Offsets are
/// read with the admin ListOffsets request, which reports each partition's error; the consumer's
/// watermark query can answer high..high without an error after a failed request.
/// </summary>
internal sealed class KafkaOffsetSource(IConsumer<StagedBytes, StagedBytes> consumer, IAdminClient admin, TimeSpan timeout, ConsumerConfig settings)
    : IOffsetSource
{
    // The high watermark must be the one the consumer will stop at: under read_committed (librdkafka's default) the last stable offset.
    // Read as the string librdkafka parses: Confluent's typed getter throws on spellings librdkafka takes.
    private readonly IsolationLevel _isolation = string.Equals(settings.Get("isolation.level"), "read_uncommitted", StringComparison.OrdinalIgnoreCase)
        ? IsolationLevel.ReadUncommitted
        : IsolationLevel.ReadCommitted;

    public TimeSpan RequestTimeout => timeout;

    public IReadOnlyList<int> Partitions(string topic)
    {
        Metadata metadata;
        try
        {
            metadata = admin.GetMetadata(topic, timeout);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not read metadata of topic '{topic}' from bootstrap.servers '{settings.BootstrapServers}' within {timeout.TotalSeconds:0.#} s: {e.Error.Reason}"), e);
        }

        var found = metadata.Topics.SingleOrDefault(t => t.Topic == topic);
        if (found is null || found.Error.Code == ErrorCode.UnknownTopicOrPart || (found.Error.Code == ErrorCode.NoError && found.Partitions.Count == 0))
        {
            throw new ArgumentException($"Topic '{topic}' does not exist on the cluster at '{settings.BootstrapServers}'.");
        }

        if (found.Error.IsError)
        {
            throw new KafkaException(new Error(found.Error.Code, $"Topic '{topic}': {found.Error.Reason}"));
        }

        return [.. found.Partitions.Select(p => p.PartitionId).Order()];
    }

    public IReadOnlyDictionary<int, (long Low, long High)> Watermarks(string topic, IReadOnlyList<int> partitions)
    {
        // Two requests: one ListOffsets request cannot ask for the same partition twice.
        var low = ListOffsets(topic, partitions, OffsetSpec.Earliest(), "oldest offset");
        var high = ListOffsets(topic, partitions, OffsetSpec.Latest(), "high watermark");
        return partitions
            .Where(p => low.ContainsKey(p) && high.ContainsKey(p))
            .ToDictionary(p => p, p => (low[p], high[p]));
    }

    public IReadOnlyDictionary<int, long?> OffsetsForTimestamp(string topic, IReadOnlyList<int> partitions, long timestampMs) =>
        ListOffsets(topic, partitions, OffsetSpec.ForTimestamp(timestampMs), $"offset at {timestampMs} ms")
            .ToDictionary(r => r.Key, r => r.Value < 0 ? (long?)null : r.Value);

    public IReadOnlyDictionary<int, long?> Committed(string topic, IReadOnlyList<int> partitions)
    {
        try
        {
            return consumer.Committed(partitions.Select(p => new TopicPartition(topic, p)), timeout)
                .ToDictionary(r => r.Partition.Value, r => r.Offset.IsSpecial ? (long?)null : r.Offset.Value);
        }
        catch (TopicPartitionOffsetException e) when (e.Results.FirstOrDefault(r => r.Error.IsError) is { } failed)
        {
            throw new KafkaException(new Error(failed.Error.Code, $"Could not read the committed offset of {topic}[{failed.Partition.Value}]: {failed.Error.Reason}"), e);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not read the committed offsets of topic '{topic}': {e.Error.Reason}"), e);
        }
    }

    private Dictionary<int, long> ListOffsets(string topic, IReadOnlyList<int> partitions, OffsetSpec spec, string what)
    {
        var request = partitions.Select(p => new TopicPartitionOffsetSpec { TopicPartition = new TopicPartition(topic, p), OffsetSpec = spec });
        var options = new ListOffsetsOptions { RequestTimeout = timeout, IsolationLevel = _isolation };
        try
        {
            return admin.ListOffsetsAsync(request, options).GetAwaiter().GetResult().ResultInfos
                .ToDictionary(r => r.TopicPartitionOffsetError.Partition.Value, r => r.TopicPartitionOffsetError.Offset.Value);
        }
        catch (ListOffsetsException e) when (e.Result.ResultInfos.FirstOrDefault(r => r.TopicPartitionOffsetError.Error.IsError) is { } failed)
        {
            var error = failed.TopicPartitionOffsetError;
            throw new KafkaException(new Error(error.Error.Code, $"Could not read the {what} of {topic}[{error.Partition.Value}]: {error.Error.Reason}"), e);
        }
        catch (KafkaException e)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Could not read the {what} of the partitions of topic '{topic}': {e.Error.Reason}"), e);
        }
    }
}
