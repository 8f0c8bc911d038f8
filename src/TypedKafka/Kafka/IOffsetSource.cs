namespace TypedKafka.Kafka;

/// <summary>
/// What offset resolution asks of a cluster. The one seam between policies and brokers, so that
/// time-based policies, retries and inconsistent answers can be tested against a fake with Kafka's semantics.
/// </summary>
/// <remarks>
/// A read that fails throws a <see cref="Confluent.Kafka.KafkaException"/> whose code is the
/// cluster's and whose message names the topic and partition; the resolver decides whether to retry.
/// </remarks>
internal interface IOffsetSource
{
    /// <summary>How long one request may take; the resolver retries passing errors for as long.</summary>
    TimeSpan RequestTimeout { get; }

    /// <summary>The topic's partition ids; throws naming the topic if the cluster does not have it.</summary>
    IReadOnlyList<int> Partitions(string topic);

    /// <summary>Per partition, the oldest offset still stored and the high watermark (one past the last offset).</summary>
    IReadOnlyDictionary<int, (long Low, long High)> Watermarks(string topic, IReadOnlyList<int> partitions);

    /// <summary>
    /// Per partition, the first offset whose timestamp is at or after <paramref name="timestampMs"/>,
    /// or null where every message is older (Kafka answers -1 there).
    /// </summary>
    IReadOnlyDictionary<int, long?> OffsetsForTimestamp(string topic, IReadOnlyList<int> partitions, long timestampMs);

    /// <summary>Per partition, the consumer group's committed offset, or null where it has none.</summary>
    IReadOnlyDictionary<int, long?> Committed(string topic, IReadOnlyList<int> partitions);
}
