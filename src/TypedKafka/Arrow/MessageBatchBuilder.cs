using Apache.Arrow;
using Apache.Arrow.Memory;
using Apache.Arrow.Types;
using TypedKafka.Engine;

namespace TypedKafka.Arrow;

/// <summary>
/// Builds a batch of the <see cref="Schemas.Message"/> schema straight into native Arrow buffers:
/// sizes are summed first, every buffer is allocated once at its final size, and key and value
/// bytes are block-copied from the partitions' chunks. Nothing per message lands on the managed heap.
/// The buffers are not reported to the GC as memory pressure: they are freed when the batch is
/// disposed, not by a finalizer (Arrow's native buffers have none), so the pressure could only
/// induce full collections — measured: 4-5 per 200,000 messages in batches of 10,000.
/// </summary>
internal static class MessageBatchBuilder
{
    /// <summary>
    /// The batch of <paramref name="released"/>; with <paramref name="eventTime"/>, an <c>event_time</c> column (the time rows are ordered by) follows the others,
    /// and with <paramref name="headers"/> a <c>headers</c> column comes last.
    /// </summary>
    public static RecordBatch Build(ReadOnlySpan<ReleasedMessage> released, ReleaseTotals totals, IReadOnlyList<byte[]> topicNames, bool eventTime = false, bool headers = false)
    {
        var batch = BuildMessages(released, totals, topicNames, eventTime);
        if (!headers)
        {
            return batch;
        }

        var columns = new IArrowArray[batch.ColumnCount + 1];
        for (var i = 0; i < batch.ColumnCount; i++)
        {
            columns[i] = batch.Column(i);
        }

        columns[^1] = HeadersColumn.Build(released);
        var fields = new List<Field>(batch.Schema.FieldsList) { Schemas.HeadersField };
        return new RecordBatch(new Schema(fields, null), columns, batch.Length);
    }

    private static RecordBatch BuildMessages(ReadOnlySpan<ReleasedMessage> released, ReleaseTotals totals, IReadOnlyList<byte[]> topicNames, bool eventTime)
    {
        var count = released.Length;
        if (count == 0)
        {
            return Empty(eventTime);
        }

        var (keyBytes, valueBytes, topicBytes, keyNulls, valueNulls) = totals;

        using var keyOffsets = new NativeBuffer<int, NoOpAllocationTracker>(count + 1, false, default);
        using var keyData = NewData(keyBytes);
        using var keyValidity = NewValidity(count, keyNulls);
        using var valueOffsets = new NativeBuffer<int, NoOpAllocationTracker>(count + 1, false, default);
        using var valueData = NewData(valueBytes);
        using var valueValidity = NewValidity(count, valueNulls);
        using var topicOffsets = new NativeBuffer<int, NoOpAllocationTracker>(count + 1, false, default);
        using var topicData = NewData(topicBytes);
        using var partitionValues = new NativeBuffer<int, NoOpAllocationTracker>(count, false, default);
        using var offsetValues = new NativeBuffer<long, NoOpAllocationTracker>(count, false, default);
        using var timestampValues = new NativeBuffer<long, NoOpAllocationTracker>(count, false, default);
        using var eventTimeValues = eventTime ? new NativeBuffer<long, NoOpAllocationTracker>(count, false, default) : null;

        var keyOffsetSpan = keyOffsets.Span;
        var keyDataSpan = keyData is null ? default : keyData.Span;
        var valueOffsetSpan = valueOffsets.Span;
        var valueDataSpan = valueData is null ? default : valueData.Span;
        var topicOffsetSpan = topicOffsets.Span;
        var topicDataSpan = topicData is null ? default : topicData.Span;
        var partitionSpan = partitionValues.Span;
        var offsetSpan = offsetValues.Span;
        var timestampSpan = timestampValues.Span;
        var eventTimeSpan = eventTimeValues is null ? default : eventTimeValues.Span;
        var keyValiditySpan = keyValidity is null ? default : keyValidity.Span;
        var valueValiditySpan = valueValidity is null ? default : valueValidity.Span;

        int keyAt = 0, valueAt = 0, topicAt = 0;
        for (var row = 0; row < count; row++)
        {
            ref readonly var entry = ref released[row];
            var message = entry.Message;
            var topic = topicNames[entry.Topic];

            keyOffsetSpan[row] = keyAt;
            if (message.KeyLength >= 0)
            {
                message.Key(entry.Chunk).CopyTo(keyDataSpan[keyAt..]);
                keyAt += message.KeyLength;
                SetValid(keyValiditySpan, row);
            }

            valueOffsetSpan[row] = valueAt;
            if (message.ValueLength >= 0)
            {
                message.Value(entry.Chunk).CopyTo(valueDataSpan[valueAt..]);
                valueAt += message.ValueLength;
                SetValid(valueValiditySpan, row);
            }

            topicOffsetSpan[row] = topicAt;
            topic.CopyTo(topicDataSpan[topicAt..]);
            topicAt += topic.Length;

            partitionSpan[row] = entry.Partition;
            offsetSpan[row] = message.Offset;
            timestampSpan[row] = message.BrokerTimestampMs;
            if (eventTime)
            {
                eventTimeSpan[row] = message.TimestampMs;
            }
        }

        keyOffsetSpan[count] = keyAt;
        valueOffsetSpan[count] = valueAt;
        topicOffsetSpan[count] = topicAt;

        IArrowArray[] columns =
        [
            new BinaryArray(BinaryType.Default, count, keyOffsets.Build(), BuildOrEmpty(keyData), BuildOrEmpty(keyValidity), keyNulls, 0),
            new BinaryArray(BinaryType.Default, count, valueOffsets.Build(), BuildOrEmpty(valueData), BuildOrEmpty(valueValidity), valueNulls, 0),
            new StringArray(count, topicOffsets.Build(), BuildOrEmpty(topicData), ArrowBuffer.Empty, 0, 0),
            new Int32Array(partitionValues.Build(), ArrowBuffer.Empty, count, 0, 0),
            new Int64Array(offsetValues.Build(), ArrowBuffer.Empty, count, 0, 0),
            new TimestampArray(Schemas.UtcMilliseconds, timestampValues.Build(), ArrowBuffer.Empty, count, 0, 0),
        ];
        return eventTime
            ? new RecordBatch(Schemas.MessageWithEventTime, [.. columns, new TimestampArray(Schemas.UtcMilliseconds, eventTimeValues!.Build(), ArrowBuffer.Empty, count, 0, 0)], count)
            : new RecordBatch(Schemas.Message, columns, count);
    }

    private static RecordBatch Empty(bool eventTime)
    {
        IArrowArray[] columns =
        [
            new BinaryArray(BinaryType.Default, 0, EmptyOffsets(), ArrowBuffer.Empty, ArrowBuffer.Empty, 0, 0),
            new BinaryArray(BinaryType.Default, 0, EmptyOffsets(), ArrowBuffer.Empty, ArrowBuffer.Empty, 0, 0),
            new StringArray(0, EmptyOffsets(), ArrowBuffer.Empty, ArrowBuffer.Empty, 0, 0),
            new Int32Array(ArrowBuffer.Empty, ArrowBuffer.Empty, 0, 0, 0),
            new Int64Array(ArrowBuffer.Empty, ArrowBuffer.Empty, 0, 0, 0),
            new TimestampArray(Schemas.UtcMilliseconds, ArrowBuffer.Empty, ArrowBuffer.Empty, 0, 0, 0),
        ];
        return eventTime
            ? new RecordBatch(Schemas.MessageWithEventTime, [.. columns, new TimestampArray(Schemas.UtcMilliseconds, ArrowBuffer.Empty, ArrowBuffer.Empty, 0, 0, 0)], 0)
            : new RecordBatch(Schemas.Message, columns, 0);
    }

    // Arrow's format wants one zero offset even for an empty variable-length column.
    private static ArrowBuffer EmptyOffsets() => new(new byte[sizeof(int)]);

    // Arrow's native buffers cannot be empty; an empty column's data buffer is ArrowBuffer.Empty.
    private static NativeBuffer<byte, NoOpAllocationTracker>? NewData(int length) =>
        length == 0 ? null : new NativeBuffer<byte, NoOpAllocationTracker>(length, false, default);

    /// <summary>A zeroed validity bitmap when some rows are null; none (all valid) otherwise.</summary>
    private static NativeBuffer<byte, NoOpAllocationTracker>? NewValidity(int count, int nulls) =>
        nulls == 0 ? null : new NativeBuffer<byte, NoOpAllocationTracker>((count + 7) / 8, true, default);

    private static void SetValid(Span<byte> validity, int row)
    {
        if (!validity.IsEmpty)
        {
            validity[row >> 3] |= (byte)(1 << (row & 7));
        }
    }

    private static ArrowBuffer BuildOrEmpty<T>(NativeBuffer<T, NoOpAllocationTracker>? buffer)
        where T : unmanaged =>
        buffer is null ? ArrowBuffer.Empty : buffer.Build();
}
