using Apache.Arrow;
using Apache.Arrow.Memory;
using TypedKafka.Engine;
using TypedKafka.Kafka;

namespace TypedKafka.Arrow;

/// <summary>
/// The <c>headers</c> column, <see cref="Schemas.HeadersField"/>, built like the message columns:
/// sizes summed over the released messages' header blocks first, each native buffer allocated once
/// at its final size, then keys and values block-copied from the partitions' chunks.
/// </summary>
internal static class HeadersColumn
{
    public static IArrowArray Build(ReadOnlySpan<ReleasedMessage> released)
    {
        var rows = released.Length;
        int entries = 0, keyBytes = 0, valueBytes = 0, nullValues = 0;
        foreach (ref readonly var entry in released)
        {
            var (count, keys, values, nulls) = HeaderBlock.Measure(entry.Message.Headers(entry.Chunk));
            entries += count;
            keyBytes += keys;
            valueBytes += values;
            nullValues += nulls;
        }

        using var listOffsets = new NativeBuffer<int, NoOpAllocationTracker>(rows + 1, false, default);
        using var keyOffsets = new NativeBuffer<int, NoOpAllocationTracker>(entries + 1, false, default);
        using var keyData = keyBytes == 0 ? null : new NativeBuffer<byte, NoOpAllocationTracker>(keyBytes, false, default);
        using var valueOffsets = new NativeBuffer<int, NoOpAllocationTracker>(entries + 1, false, default);
        using var valueData = valueBytes == 0 ? null : new NativeBuffer<byte, NoOpAllocationTracker>(valueBytes, false, default);
        using var valueValidity = nullValues == 0 ? null : new NativeBuffer<byte, NoOpAllocationTracker>((entries + 7) / 8, true, default);

        var listSpan = listOffsets.Span;
        var keyOffsetSpan = keyOffsets.Span;
        var keySpan = keyData is null ? default : keyData.Span;
        var valueOffsetSpan = valueOffsets.Span;
        var valueSpan = valueData is null ? default : valueData.Span;
        var validitySpan = valueValidity is null ? default : valueValidity.Span;
        int at = 0, keyAt = 0, valueAt = 0;
        for (var row = 0; row < rows; row++)
        {
            ref readonly var entry = ref released[row];
            listSpan[row] = at;
            var block = entry.Message.Headers(entry.Chunk);
            while (!block.IsEmpty)
            {
                block = HeaderBlock.Next(block, out var key, out var value, out var valueIsNull);
                keyOffsetSpan[at] = keyAt;
                key.CopyTo(keySpan[keyAt..]);
                keyAt += key.Length;
                valueOffsetSpan[at] = valueAt;
                if (!valueIsNull)
                {
                    value.CopyTo(valueSpan[valueAt..]);
                    valueAt += value.Length;
                    if (!validitySpan.IsEmpty)
                    {
                        validitySpan[at >> 3] |= (byte)(1 << (at & 7));
                    }
                }

                at++;
            }
        }

        listSpan[rows] = at;
        keyOffsetSpan[entries] = keyAt;
        valueOffsetSpan[entries] = valueAt;

        var listType = (Apache.Arrow.Types.ListType)Schemas.HeadersField.DataType;
        var structType = (Apache.Arrow.Types.StructType)listType.ValueDataType;
        var keysData = new ArrayData(Apache.Arrow.Types.StringType.Default, entries, 0, 0, [ArrowBuffer.Empty, keyOffsets.Build(), keyData?.Build() ?? ArrowBuffer.Empty]);
        var valuesData = new ArrayData(Apache.Arrow.Types.BinaryType.Default, entries, nullValues, 0, [valueValidity?.Build() ?? ArrowBuffer.Empty, valueOffsets.Build(), valueData?.Build() ?? ArrowBuffer.Empty]);
        var structData = new ArrayData(structType, entries, 0, 0, [ArrowBuffer.Empty], [keysData, valuesData]);
        return ArrowArrayFactory.BuildArray(new ArrayData(listType, rows, 0, 0, [ArrowBuffer.Empty, listOffsets.Build()], [structData]));
    }
}
