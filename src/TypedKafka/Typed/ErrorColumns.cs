using System.Text;
using Apache.Arrow;
using Apache.Arrow.Memory;
using Apache.Arrow.Types;
using TypedKafka.Columns;

namespace TypedKafka;

/// <summary>
/// The <c>_error</c> and <c>_raw_value</c> columns of a decoded batch under
/// <see cref="BadPayloadPolicy.Skip"/>, for the JSON decoders and the registry formats alike: built
/// from the batch's errors once it is decoded, so good rows, nearly all of them, cost nothing while decoding.
/// </summary>
internal sealed class ErrorColumns
{
    private readonly StringColumn _errors = new(nullable: true);
    private readonly BinaryColumn _rawValues = new(nullable: true);

    /// <summary>Adds both columns for <paramref name="length"/> rows; <paramref name="errors"/> in row order, null when there are none.</summary>
    public void AddTo(List<IArrowArray> columns, int length, List<PayloadError>? errors)
    {
        if (errors is null)
        {
            columns.Add(AllNull(StringType.Default, length));
            columns.Add(AllNull(BinaryType.Default, length));
            return;
        }

        var next = 0;
        for (var row = 0; row < length; row++)
        {
            if (next < errors.Count && errors[next].Row == row)
            {
                var error = errors[next++];
                _errors.Append(Encoding.UTF8.GetBytes(error.Reason));
                if (error.RawValue is { } raw)
                {
                    _rawValues.Append(raw.Span);
                }
                else
                {
                    _rawValues.AppendNull();
                }
            }
            else
            {
                _errors.AppendNull();
                _rawValues.AppendNull();
            }
        }

        columns.Add(_errors.Build());
        columns.Add(_rawValues.Build());
    }

    /// <summary>A variable-width column of nulls only: a zeroed validity bitmap, zero offsets, no data.</summary>
    private static IArrowArray AllNull(IArrowType type, int length)
    {
        var validity = ArrowBuffer.Empty;
        if (length > 0)
        {
            using var bits = new NativeBuffer<byte, MemoryPressureAllocationTracker>((length + 7) / 8, zeroFill: true);
            validity = bits.Build();
        }

        using var offsets = new NativeBuffer<int, MemoryPressureAllocationTracker>(length + 1, zeroFill: true);
        return ArrowArrayFactory.BuildArray(new ArrayData(type, length, length, 0, [validity, offsets.Build(), ArrowBuffer.Empty]));
    }
}
