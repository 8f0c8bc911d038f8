using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka;

/// <summary>The Arrow schemas of the batches TypedKafka returns.</summary>
public static class Schemas
{
    /// <summary>Timestamps are Unix milliseconds in UTC, as Kafka stores them.</summary>
    internal static readonly TimestampType UtcMilliseconds = new(TimeUnit.Millisecond, "UTC");

    /// <summary>
    /// One row per message: <c>key</c> binary (nullable), <c>value</c> binary (nullable), <c>topic</c> utf8,
    /// <c>partition</c> int32, <c>offset</c> int64, <c>timestamp</c> timestamp[ms, UTC].
    /// </summary>
    public static Schema Message { get; } = new Schema.Builder()
        .Field(new Field("key", BinaryType.Default, nullable: true))
        .Field(new Field("value", BinaryType.Default, nullable: true))
        .Field(new Field("topic", StringType.Default, nullable: false))
        .Field(new Field("partition", Int32Type.Default, nullable: false))
        .Field(new Field("offset", Int64Type.Default, nullable: false))
        .Field(new Field("timestamp", UtcMilliseconds, nullable: false))
        .Build();

    /// <summary>
    /// <see cref="Message"/> followed by <c>event_time</c> timestamp[ms, UTC]: the time rows are
    /// ordered by (<see cref="ConsumerOptions.Timestamp"/>, <c>[EventTime]</c>), while <c>timestamp</c> stays the broker's.
    /// </summary>
    public static Schema MessageWithEventTime { get; } = new Schema.Builder()
        .Field(f => f.Name("key").DataType(BinaryType.Default).Nullable(true))
        .Field(f => f.Name("value").DataType(BinaryType.Default).Nullable(true))
        .Field(f => f.Name("topic").DataType(StringType.Default).Nullable(false))
        .Field(f => f.Name("partition").DataType(Int32Type.Default).Nullable(false))
        .Field(f => f.Name("offset").DataType(Int64Type.Default).Nullable(false))
        .Field(f => f.Name("timestamp").DataType(UtcMilliseconds).Nullable(false))
        .Field(f => f.Name("event_time").DataType(UtcMilliseconds).Nullable(false))
        .Build();

    /// <summary>
    /// The <c>headers</c> column (<see cref="ConsumerOptions.IncludeHeaders"/>), last in every batch:
    /// <c>list&lt;struct&lt;key: utf8, value: binary&gt;&gt;</c>, a message's headers in the order they came,
    /// repeated keys and null values kept; an empty list for a message without headers.
    /// </summary>
    public static Field HeadersField { get; } = new(
        "headers",
        new ListType(new Field("item", new StructType([new Field("key", StringType.Default, nullable: false), new Field("value", BinaryType.Default, nullable: true)]), nullable: false)),
        nullable: false);

    /// <summary>
    /// One row per partition: <c>topic</c>, <c>partition</c>, <c>replay_start_offset</c>,
    /// <c>replay_end_offset</c>, <c>consumed_offset</c>, <c>released_offset</c>,
    /// <c>last_consumed_timestamp</c> (null until a message is consumed), <c>cutoff</c>,
    /// <c>is_live</c>, <c>is_paused</c>, then <c>held_messages</c>, <c>held_bytes</c> and
    /// <c>untimed_messages</c> (messages without a timestamp, which took the partition's stream time),
    /// <c>end_bound</c> (a bounded read's exclusive end offset, null while unbounded or not known
    /// yet), <c>is_complete</c> (the bound was reached and everything before it released),
    /// <c>in_bound_after_end</c> (messages stamped before a time bound that came after the
    /// partition's first message at or past it: not released), <c>out_of_order_releases</c> (rows
    /// released after a row with a later timestamp) and <c>blocking</c> (why the partition holds
    /// back release: "holds the watermark", "waiting for first message", "idle since ..."; null when it does not)
    /// and <c>lost_messages</c> (messages deleted from the log before they were read, counted when
    /// <see cref="ConsumerOptions.FailOnDataLoss"/> is off).
    /// Offsets are inclusive: <c>consumed_offset</c> and <c>released_offset</c> are
    /// <c>replay_start_offset - 1</c> until the first message is consumed or released.
    /// </summary>
    public static Schema PartitionState { get; } = new Schema.Builder()
        .Field(new Field("topic", StringType.Default, nullable: false))
        .Field(new Field("partition", Int32Type.Default, nullable: false))
        .Field(new Field("replay_start_offset", Int64Type.Default, nullable: false))
        .Field(new Field("replay_end_offset", Int64Type.Default, nullable: false))
        .Field(new Field("consumed_offset", Int64Type.Default, nullable: false))
        .Field(new Field("released_offset", Int64Type.Default, nullable: false))
        .Field(new Field("last_consumed_timestamp", UtcMilliseconds, nullable: true))
        .Field(new Field("cutoff", UtcMilliseconds, nullable: false))
        .Field(new Field("is_live", BooleanType.Default, nullable: false))
        .Field(new Field("is_paused", BooleanType.Default, nullable: false))
        .Field(new Field("held_messages", Int32Type.Default, nullable: false))
        .Field(new Field("held_bytes", Int64Type.Default, nullable: false))
        .Field(new Field("untimed_messages", Int64Type.Default, nullable: false))
        .Field(new Field("end_bound", Int64Type.Default, nullable: true))
        .Field(new Field("is_complete", BooleanType.Default, nullable: false))
        .Field(new Field("in_bound_after_end", Int64Type.Default, nullable: false))
        .Field(new Field("out_of_order_releases", Int64Type.Default, nullable: false))
        .Field(new Field("blocking", StringType.Default, nullable: true))
        .Field(new Field("lost_messages", Int64Type.Default, nullable: false))
        .Build();
}
