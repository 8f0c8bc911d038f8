using Confluent.Kafka;

namespace TypedKafka.Kafka;

/// <summary>
/// Where <see cref="ConsumerManager"/> takes consumed messages from, one at a time: Confluent's
/// <c>Consume</c> (<see cref="ConfluentIntake"/>), or librdkafka's batch call on the same client
/// (<see cref="Native.NativeIntake"/>). Either way the client stays Confluent's for configuration,
/// assignment, offsets, commits and rebalances; pause and resume go through here, because an intake
/// that takes messages ahead must hold back those of a partition paused after they were taken.
/// </summary>
internal interface IMessageIntake : IDisposable
{
    /// <summary>"plain" or "native", for tests and the benchmark.</summary>
    string Name { get; }

    /// <summary>
    /// Takes the next message or partition end, waiting up to <paramref name="timeoutMs"/> for one.
    /// The record's bytes are valid until the next call. A consume error is thrown as Confluent's
    /// <c>Consume</c> throws it: a <see cref="ConsumeException"/> naming the topic, partition and offset.
    /// </summary>
    bool TryTake(int timeoutMs, out IntakeRecord record);

    void Pause(IEnumerable<TopicPartition> partitions);

    void Resume(IEnumerable<TopicPartition> partitions);

    /// <summary>The consumer's partitions changed (a rebalance): what was taken ahead for a partition no longer held is dropped.</summary>
    void PartitionsChanged(Func<string?, int, bool> held);
}

/// <summary>
/// A consumed message or partition end. <see cref="Topic"/> is null when the consumer reads one topic
/// (the client is not asked for names then); <see cref="Headers"/> (Confluent's objects) only where an
/// event-time reader needs them, <see cref="HeaderBlock"/> (<see cref="Kafka.HeaderBlock"/> layout)
/// where the headers column is on.
/// </summary>
internal readonly ref struct IntakeRecord
{
    public bool IsPartitionEof { get; init; }

    public string? Topic { get; init; }

    public int Partition { get; init; }

    public long Offset { get; init; }

    public TimestampType TimestampType { get; init; }

    public long TimestampMs { get; init; }

    public ReadOnlySpan<byte> Key { get; init; }

    public bool KeyIsNull { get; init; }

    public ReadOnlySpan<byte> Value { get; init; }

    public bool ValueIsNull { get; init; }

    public ReadOnlySpan<byte> HeaderBlock { get; init; }

    public Headers? Headers { get; init; }
}
