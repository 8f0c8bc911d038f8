using Microsoft.Extensions.Logging;

namespace TypedKafka;

/// <summary>
/// A consumer's settings beyond its Kafka config and topics, taken by <see cref="ConsumerManager"/>
/// and the typed consumers. Validated when the consumer is created; an error names the property.
/// </summary>
public sealed record ConsumerOptions
{
    /// <summary>The default of <see cref="BatchSize"/>, for hosts and tools that expose it as a setting.</summary>
    public const int DefaultBatchSize = 10_000;

    /// <summary>The default of <see cref="MaxHeldMessages"/>.</summary>
    public const int DefaultMaxHeldMessages = 1_000_000;

    /// <summary>The default of <see cref="MaxHeldBytes"/>, 256 MiB.</summary>
    public const long DefaultMaxHeldBytes = 256L * 1024 * 1024;

    /// <summary>At most this many messages per poll. Default 10,000.</summary>
    public int BatchSize { get; init; } = DefaultBatchSize;

    /// <summary>
    /// The switch from replay to live (Unix ms): a partition's replay ends at its end offset or at
    /// its first message at or after this time. Default: the time the consumer is created.
    /// Not an end: messages after it keep coming, live. For an end, see <see cref="Until"/>.
    /// </summary>
    public long? CutoffMs { get; init; }

    /// <summary>Above this many messages held for ordering, partitions that run ahead are paused. Default 1,000,000.</summary>
    public int MaxHeldMessages { get; init; } = DefaultMaxHeldMessages;

    /// <summary>
    /// Above this many key and value bytes held for ordering, partitions that run ahead are paused. Default 256 MiB.
    /// Unless the config sets <c>queued.max.messages.kbytes</c>, the client's prefetch queue is a quarter of
    /// this (256 KiB to 64 MiB), so that what the client holds stays in proportion (docs/reliability.md).
    /// </summary>
    public long MaxHeldBytes { get; init; } = DefaultMaxHeldBytes;

    /// <summary>
    /// Where the replay ends, or null (the default) for no end: live messages keep coming.
    /// With an end, exactly the messages before it are released, then <c>IsComplete</c> turns true.
    /// </summary>
    public ReplayEnd? Until { get; init; }

    /// <summary>How rows are ordered once replay is over. Default: <see cref="LiveOrdering.OnArrival"/>.</summary>
    public LiveOrdering LiveOrdering { get; init; } = LiveOrdering.OnArrival;

    /// <summary>
    /// During replay, a partition that has delivered nothing and made no progress for this long
    /// stops holding the others back; its rows are released as they come and counted when out of
    /// order. Null (the default): wait for every partition, however long.
    /// </summary>
    public TimeSpan? IdleTimeout { get; init; }

    /// <summary>
    /// When the log no longer holds offsets still to be read (retention, deletion, truncation):
    /// true (the default, as Spark's <c>failOnDataLoss</c>) makes Poll throw a <see cref="DataLossException"/>
    /// naming the partition and the lost range; false goes on from the oldest offset left, counts
    /// the loss in partition state (<c>lost_messages</c>) and logs a warning to <see cref="Logger"/>.
    /// </summary>
    public bool FailOnDataLoss { get; init; } = true;

    /// <summary>Where the client's log lines, recurring errors and data loss are reported; null (the default) reports nowhere, but errors that stop progress still throw.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>What a typed consumer does with a message it cannot decode; by default it is kept as a bad row and the read goes on.</summary>
    public BadPayloadPolicy BadPayloadPolicy { get; init; } = BadPayloadPolicy.Skip;

    /// <summary>
    /// Reads each message's event time: rows are then ordered by it (watermark, release order,
    /// cutoff, <see cref="Until"/>, windows) and batches gain an <c>event_time</c> column after the
    /// others, while <c>timestamp</c> stays the broker's. Null (the default): the broker's timestamp.
    /// A typed consumer of a record with an <c>[EventTime]</c> member sets it from that member, and
    /// refuses a second source.
    /// </summary>
    public MessageTimestamp? Timestamp { get; init; }

    /// <summary>
    /// Event time that goes back within a partition: a row up to this far behind the partition's
    /// stream time (the latest time it delivered) is still released in timestamp order, held in a
    /// bounded reorder buffer per partition (the watermark trails each partition by this much); a row
    /// further behind is late: it keeps its offset position (after every row consumed before it) and
    /// counts in <c>out_of_order_releases</c>. Zero (the default): rows leave each partition in offset order.
    /// Applies whenever rows are held: in replay, and live under <see cref="LiveOrdering.Hold"/>.
    /// </summary>
    public TimeSpan MaxOutOfOrderness { get; init; }

    /// <summary>How fast history is replayed: <see cref="ReplayPace.Unpaced"/> (the default) or at the recorded pace (<see cref="ReplayPace.Recorded"/>).</summary>
    public ReplayPace Pace { get; init; } = ReplayPace.Unpaced;

    /// <summary>
    /// Adds a <c>headers</c> column, last in every batch (<see cref="Schemas.HeadersField"/>): each
    /// message's headers in order, repeated keys and null values kept. Off by default: the client
    /// then skips building headers; with three headers per message, turning it on measured 2.2x
    /// the CPU per message (docs/benchmarks.md).
    /// </summary>
    public bool IncludeHeaders { get; init; }

    /// <summary>
    /// How <see cref="ConsumerManager"/> decodes values: null (the default) keeps them as bytes in
    /// the <c>value</c> column; <see cref="TypedKafka.ValueFormat.Avro"/> replaces that column with
    /// one column per field of a Schema Registry schema, bad values handled by <see cref="BadPayloadPolicy"/>.
    /// Typed consumers decode by their record type and refuse it.
    /// </summary>
    public ValueFormat? ValueFormat { get; init; }

    /// <summary>
    /// A Kafka consumer group to share the topics' partitions with other instances, or null (the
    /// default) to read every partition here. The consumer subscribes with this <c>group.id</c> and
    /// the cooperative-sticky assignor: the brokers give each member some partitions and move them
    /// when members come or go. Each instance releases the partitions it holds in timestamp order;
    /// order across instances is not global (docs/scaling.md). A gained partition starts at the
    /// group's committed offset, else by its topic's policy; a revoked one drops its held rows, and
    /// once <see cref="ConsumerManager.CommitReleased"/> has been called, its released offsets are committed first.
    /// </summary>
    public string? ConsumerGroup { get; init; }

    /// <summary>
    /// Without a <see cref="ConsumerGroup"/>, how often to look for partitions added to the topics;
    /// a new one is read from its topic's offset policy. Null (the default): never. In a group the
    /// client finds them itself (<c>topic.metadata.refresh.interval.ms</c>) and they come by rebalance.
    /// </summary>
    public TimeSpan? PartitionDiscoveryInterval { get; init; }

    /// <summary>
    /// With a <see cref="ConsumerGroup"/>: called on the polling thread, inside <c>Poll</c>, with the
    /// partitions this consumer held that a rebalance revoked or lost, once their held rows are dropped
    /// and before any later row is released. Their next owner reads them from the group's committed
    /// offset, so a caller that keeps released rows uncommitted (a window still open) takes those
    /// partitions' rows out here, or they would be handled twice. Not called when <c>Dispose</c>
    /// closes the consumer. An exception thrown here fails the consumer: every later poll throws it.
    /// </summary>
    public Action<IReadOnlyList<Confluent.Kafka.TopicPartition>>? OnPartitionsRevoked { get; init; }

    /// <summary>The clock of <see cref="LiveOrdering"/>'s hold, <see cref="IdleTimeout"/> and time bounds of <see cref="Until"/>. Default: the system clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Which intake reads the client: true for librdkafka's batch call, false for Confluent's Consume,
    /// null for the default (the batch call, unless <c>TYPEDKAFKA_INTAKE=plain</c>). Internal: tests and
    /// the benchmark run both paths over the same data.
    /// </summary>
    internal bool? NativeIntake { get; init; }

    /// <summary>Checks every setting; the exception names the property at fault.</summary>
    public void Validate()
    {
        Positive(BatchSize, nameof(BatchSize));
        Positive(MaxHeldMessages, nameof(MaxHeldMessages));
        Positive(MaxHeldBytes, nameof(MaxHeldBytes));
        if (CutoffMs is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CutoffMs), CutoffMs, $"{nameof(CutoffMs)} must be a Unix time in milliseconds, 0 or more.");
        }

        if (IdleTimeout is { } idle && (idle <= TimeSpan.Zero || idle.Ticks % TimeSpan.TicksPerMillisecond != 0))
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeout), idle, $"{nameof(IdleTimeout)} must be positive whole milliseconds, or null to wait for every partition.");
        }

        if (MaxOutOfOrderness < TimeSpan.Zero || MaxOutOfOrderness.Ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOutOfOrderness), MaxOutOfOrderness, $"{nameof(MaxOutOfOrderness)} must be zero or more whole milliseconds.");
        }

        if (LiveOrdering is null)
        {
            throw new ArgumentNullException(nameof(LiveOrdering), $"{nameof(LiveOrdering)} is required; the default is {nameof(TypedKafka.LiveOrdering.OnArrival)}.");
        }

        if (!Enum.IsDefined(BadPayloadPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(BadPayloadPolicy), BadPayloadPolicy, $"{nameof(BadPayloadPolicy)} must be Skip or Fail.");
        }

        if (Pace is null)
        {
            throw new ArgumentNullException(nameof(Pace), $"{nameof(Pace)} is required; the default is {nameof(ReplayPace)}.{nameof(ReplayPace.Unpaced)}.");
        }

        if (ConsumerGroup is not null && string.IsNullOrWhiteSpace(ConsumerGroup))
        {
            throw new ArgumentException($"{nameof(ConsumerGroup)} is empty: name a group, or leave it null to read every partition in this consumer.", nameof(ConsumerGroup));
        }

        if (PartitionDiscoveryInterval is { } discovery)
        {
            if (discovery <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(nameof(PartitionDiscoveryInterval), discovery, $"{nameof(PartitionDiscoveryInterval)} must be positive, or null to never look for new partitions.");
            }

            if (ConsumerGroup is not null)
            {
                throw new ArgumentException(
                    $"{nameof(PartitionDiscoveryInterval)} is for a consumer without a group: in group '{ConsumerGroup}' new partitions come by rebalance after the client's metadata refresh (topic.metadata.refresh.interval.ms).",
                    nameof(PartitionDiscoveryInterval));
            }
        }

        if (OnPartitionsRevoked is not null && ConsumerGroup is null)
        {
            throw new ArgumentException(
                $"{nameof(OnPartitionsRevoked)} is for a consumer in a group: without a {nameof(ConsumerGroup)} this consumer holds every partition until it is disposed.",
                nameof(OnPartitionsRevoked));
        }

        if (TimeProvider is null)
        {
            throw new ArgumentNullException(nameof(TimeProvider), $"{nameof(TimeProvider)} is required; the default is {nameof(System.TimeProvider)}.{nameof(System.TimeProvider.System)}.");
        }
    }

    private static void Positive(long value, string property)
    {
        if (value <= 0)
        {
            throw new ArgumentOutOfRangeException(property, value, $"{property} must be positive.");
        }
    }
}
