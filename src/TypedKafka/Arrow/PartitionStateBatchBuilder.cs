using Apache.Arrow;
using TypedKafka.Engine;

namespace TypedKafka.Arrow;

/// <summary>Builds the <see cref="Schemas.PartitionState"/> batch: one row per partition, in engine order.</summary>
internal static class PartitionStateBatchBuilder
{
    public static RecordBatch Build(IReadOnlyList<TrackedPartition> partitions, long cutoffMs, Func<TrackedPartition, string?> blocking)
    {
        var topic = new StringArray.Builder();
        var partition = new Int32Array.Builder();
        var replayStart = new Int64Array.Builder();
        var replayEnd = new Int64Array.Builder();
        var consumed = new Int64Array.Builder();
        var released = new Int64Array.Builder();
        // Raw milliseconds, not DateTimeOffset: a cutoff of long.MaxValue ("never") is valid and beyond DateTimeOffset's range.
        var lastConsumed = new ArrowBuffer.Builder<long>(partitions.Count);
        var lastConsumedValid = new ArrowBuffer.BitmapBuilder(partitions.Count);
        var cutoff = new ArrowBuffer.Builder<long>(partitions.Count);
        var isLive = new BooleanArray.Builder();
        var isPaused = new BooleanArray.Builder();
        var heldMessages = new Int32Array.Builder();
        var heldBytes = new Int64Array.Builder();
        var untimed = new Int64Array.Builder();
        var endBound = new Int64Array.Builder();
        var isComplete = new BooleanArray.Builder();
        var inBoundAfterEnd = new Int64Array.Builder();
        var outOfOrder = new Int64Array.Builder();
        var blockingReason = new StringArray.Builder();
        var lost = new Int64Array.Builder();

        foreach (var tracked in partitions)
        {
            topic.Append(tracked.Spec.Topic);
            partition.Append(tracked.Spec.Partition);
            replayStart.Append(tracked.Spec.StartOffset);
            replayEnd.Append(tracked.Spec.EndOffset);
            consumed.Append(tracked.ConsumedOffset);
            released.Append(tracked.ReleasedOffset);
            lastConsumed.Append(tracked.LastConsumedTimestampMs ?? 0);
            lastConsumedValid.Append(tracked.LastConsumedTimestampMs is not null);
            cutoff.Append(cutoffMs);
            isLive.Append(tracked.IsLive);
            isPaused.Append(tracked.IsPaused);
            heldMessages.Append(tracked.Buffer.Count);
            heldBytes.Append(tracked.Buffer.Bytes);
            untimed.Append(tracked.UntimedMessages);
            var bound = tracked.EndBound ?? (tracked.Spec.BoundOffset == long.MaxValue ? null : tracked.Spec.BoundOffset);
            if (bound is { } end)
            {
                endBound.Append(end);
            }
            else
            {
                endBound.AppendNull();
            }

            isComplete.Append(tracked.Done && tracked.Buffer.Count == 0);
            inBoundAfterEnd.Append(tracked.InBoundAfterEnd);
            outOfOrder.Append(tracked.OutOfOrderReleases);
            lost.Append(tracked.LostMessages);
            if (blocking(tracked) is { } reason)
            {
                blockingReason.Append(reason);
            }
            else
            {
                blockingReason.AppendNull();
            }
        }

        IArrowArray[] columns =
        [
            topic.Build(), partition.Build(), replayStart.Build(), replayEnd.Build(), consumed.Build(), released.Build(),
            new TimestampArray(Schemas.UtcMilliseconds, lastConsumed.Build(), lastConsumedValid.Build(), partitions.Count, lastConsumedValid.UnsetBitCount, 0),
            new TimestampArray(Schemas.UtcMilliseconds, cutoff.Build(), ArrowBuffer.Empty, partitions.Count, 0, 0), isLive.Build(), isPaused.Build(), heldMessages.Build(), heldBytes.Build(), untimed.Build(),
            endBound.Build(), isComplete.Build(), inBoundAfterEnd.Build(), outOfOrder.Build(), blockingReason.Build(), lost.Build(),
        ];
        return new RecordBatch(Schemas.PartitionState, columns, partitions.Count);
    }
}
