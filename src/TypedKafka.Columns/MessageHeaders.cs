using System.ComponentModel;
using Apache.Arrow;

namespace TypedKafka.Columns;

/// <summary>
/// One message's headers as the <c>headers</c> column holds them (a list of key/value structs): a
/// view over the column, no copies. Support for generated code; not meant to be used directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public readonly struct MessageHeaders
{
    private readonly StringArray? _keys;
    private readonly BinaryArray? _values;
    private readonly int _start;
    private readonly int _end;

    /// <param name="headers">A <c>headers</c> column (a list of key/value structs).</param>
    /// <param name="row">The message's row in it.</param>
    public MessageHeaders(ListArray headers, int row)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var entries = (StructArray)headers.Values;
        _keys = (StringArray)entries.Fields[0];
        _values = (BinaryArray)entries.Fields[1];
        var offsets = headers.ValueOffsets;
        _start = offsets[row];
        _end = offsets[row + 1];
    }

    /// <summary>
    /// The value of the last header named <paramref name="name"/> (UTF-8): Kafka allows repeated keys,
    /// and the last one is the one a producer added latest. False when there is none.
    /// </summary>
    public bool TryGetLast(ReadOnlySpan<byte> name, out ReadOnlySpan<byte> value, out bool isNull)
    {
        for (var i = _end - 1; i >= _start; i--)
        {
            if (_keys!.GetBytes(i).SequenceEqual(name))
            {
                isNull = _values!.IsNull(i);
                value = isNull ? default : _values.GetBytes(i);
                return true;
            }
        }

        value = default;
        isNull = false;
        return false;
    }
}
