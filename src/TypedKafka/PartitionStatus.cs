using Apache.Arrow;

namespace TypedKafka;

/// <summary>
/// One partition's row of <see cref="Schemas.PartitionState"/>, typed: for hosts and tools that show
/// or count progress (a health check, a progress table) without reading Arrow columns by name.
/// Take a snapshot with <see cref="Read"/> from <see cref="ConsumerManager.PartitionState"/>.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Partition">The partition.</param>
/// <param name="ReplayStartOffset">First offset of the replay range.</param>
/// <param name="ReplayEndOffset">Exclusive end of the replay range (the high watermark when the consumer started).</param>
/// <param name="ConsumedOffset">Last offset consumed (<c>ReplayStartOffset - 1</c> before the first).</param>
/// <param name="ReleasedOffset">Last offset released.</param>
/// <param name="LastConsumedTimestamp">Timestamp of the last message consumed; null before the first.</param>
/// <param name="IsLive">Caught up and everything consumed before was released.</param>
/// <param name="IsPaused">Paused for backpressure or because its read is done.</param>
/// <param name="HeldMessages">Messages held for ordering.</param>
/// <param name="HeldBytes">Key and value bytes held for ordering.</param>
/// <param name="OutOfOrderReleases">Rows released after a row with a later timestamp.</param>
/// <param name="Blocking">Why this partition holds back release, or null when it does not.</param>
/// <param name="LostMessages">Messages deleted from the log before they were read.</param>
public sealed record PartitionStatus(
    string Topic,
    int Partition,
    long ReplayStartOffset,
    long ReplayEndOffset,
    long ConsumedOffset,
    long ReleasedOffset,
    DateTimeOffset? LastConsumedTimestamp,
    bool IsLive,
    bool IsPaused,
    int HeldMessages,
    long HeldBytes,
    long OutOfOrderReleases,
    string? Blocking,
    long LostMessages)
{
    /// <summary>The rows of a <see cref="Schemas.PartitionState"/> batch, in its order.</summary>
    /// <param name="partitionState">A batch of that schema; it stays the caller's to dispose.</param>
    public static IReadOnlyList<PartitionStatus> Read(RecordBatch partitionState)
    {
        ArgumentNullException.ThrowIfNull(partitionState);
        var topics = (StringArray)partitionState.Column("topic");
        var partitions = (Int32Array)partitionState.Column("partition");
        var starts = (Int64Array)partitionState.Column("replay_start_offset");
        var ends = (Int64Array)partitionState.Column("replay_end_offset");
        var consumed = (Int64Array)partitionState.Column("consumed_offset");
        var released = (Int64Array)partitionState.Column("released_offset");
        var lastTimes = (TimestampArray)partitionState.Column("last_consumed_timestamp");
        var live = (BooleanArray)partitionState.Column("is_live");
        var paused = (BooleanArray)partitionState.Column("is_paused");
        var heldMessages = (Int32Array)partitionState.Column("held_messages");
        var heldBytes = (Int64Array)partitionState.Column("held_bytes");
        var outOfOrder = (Int64Array)partitionState.Column("out_of_order_releases");
        var blocking = (StringArray)partitionState.Column("blocking");
        var lost = (Int64Array)partitionState.Column("lost_messages");
        var rows = new PartitionStatus[partitionState.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            rows[i] = new PartitionStatus(
                topics.GetString(i),
                partitions.GetValue(i)!.Value,
                starts.GetValue(i)!.Value,
                ends.GetValue(i)!.Value,
                consumed.GetValue(i)!.Value,
                released.GetValue(i)!.Value,
                lastTimes.GetTimestamp(i),
                live.GetValue(i)!.Value,
                paused.GetValue(i)!.Value,
                heldMessages.GetValue(i)!.Value,
                heldBytes.GetValue(i)!.Value,
                outOfOrder.GetValue(i)!.Value,
                blocking.GetString(i),
                lost.GetValue(i)!.Value);
        }

        return rows;
    }
}
