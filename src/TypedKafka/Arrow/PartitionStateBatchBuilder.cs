using Apache.Arrow;
using TypedKafka.Engine;

namespace TypedKafka.Arrow;

/// <summary>Builds the <see cref="Schemas.PartitionState"/> batch: one row per partition, in engine order.</summary>
internal static class PartitionStateBatchBuilder
{
    public static RecordBatch Build(IReadOnlyList<TrackedPartition> partitions, long cutoffMs)
    {
        var topic = new StringArray.Builder();
        var partition = new Int32Array.Builder();
        var replayStart = new Int64Array.Builder();
        var replayEnd = new Int64Array.Builder();
        var consumed = new Int64Array.Builder();
        var released = new Int64Array.Builder();
        var lastConsumed = new TimestampArray.Builder(Schemas.UtcMilliseconds);
        var cutoff = new TimestampArray.Builder(Schemas.UtcMilliseconds);
        var isLive = new BooleanArray.Builder();
        var isPaused = new BooleanArray.Builder();
        var heldMessages = new Int32Array.Builder();
        var heldBytes = new Int64Array.Builder();
        var untimed = new Int64Array.Builder();
        var cutoffInstant = DateTimeOffset.FromUnixTimeMilliseconds(cutoffMs);

        foreach (var tracked in partitions)
        {
            topic.Append(tracked.Spec.Topic);
            partition.Append(tracked.Spec.Partition);
            replayStart.Append(tracked.Spec.StartOffset);
            replayEnd.Append(tracked.Spec.EndOffset);
            consumed.Append(tracked.ConsumedOffset);
            released.Append(tracked.ReleasedOffset);
            if (tracked.LastConsumedTimestampMs is { } last)
            {
                lastConsumed.Append(DateTimeOffset.FromUnixTimeMilliseconds(last));
            }
            else
            {
                lastConsumed.AppendNull();
            }

            cutoff.Append(cutoffInstant);
            isLive.Append(tracked.IsLive);
            isPaused.Append(tracked.IsPaused);
            heldMessages.Append(tracked.Buffer.Count);
            heldBytes.Append(tracked.Buffer.Bytes);
            untimed.Append(tracked.UntimedMessages);
        }

        IArrowArray[] columns =
        [
            topic.Build(), partition.Build(), replayStart.Build(), replayEnd.Build(), consumed.Build(), released.Build(),
            lastConsumed.Build(), cutoff.Build(), isLive.Build(), isPaused.Build(), heldMessages.Build(), heldBytes.Build(), untimed.Build(),
        ];
        return new RecordBatch(Schemas.PartitionState, columns, partitions.Count);
    }
}
