using Apache.Arrow;
using Apache.Arrow.Memory;
using Apache.Arrow.Types;
using TypedKafka.Columns;

namespace TypedKafka.Formats;

/// <summary>
/// A column that a binary-format decoder (Avro, Protobuf) appends values to, row by row, and that
/// builds an Arrow array of the rows since the last build. Its managed buffers only grow, so that
/// decoding allocates nothing per row once they are large enough (as the JSON columns do).
/// </summary>
internal abstract class FormatColumn(IArrowType type)
{
    private protected ValidityBitmap _validity;

    public IArrowType Type { get; } = type;

    public int Length => _validity.Length;

    /// <summary>A null, or a placeholder under a null parent.</summary>
    public abstract void AppendNull();

    /// <summary>Drops the rows after the first <paramref name="length"/>: undoes a row that failed half way.</summary>
    public abstract void Truncate(int length);

    /// <summary>The rows since the last build, in native memory; the column starts over, empty.</summary>
    public abstract ArrayData BuildData();

    public IArrowArray Build() => ArrowArrayFactory.BuildArray(BuildData());
}

/// <summary>Fixed-width values of <typeparamref name="T"/>: numbers, dates, timestamps, decimals, uuids, fixed binary of 16 bytes.</summary>
internal sealed class FixedColumn<T>(IArrowType type) : FormatColumn(type)
    where T : unmanaged
{
    private GrowableBuffer<T> _values = new(256);

    public void Append(T value)
    {
        _values.Add(value);
        _validity.AppendValid();
    }

    public override void AppendNull()
    {
        _values.Add(default);
        _validity.AppendNull();
    }

    public override void Truncate(int length)
    {
        _values.Truncate(length);
        _validity.Truncate(length);
    }

    public override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var values = _values.ToArrow(length);
        var validity = _validity.Build();
        _values.Clear();
        return new ArrayData(Type, length, nulls, 0, [validity, values]);
    }
}

/// <summary>Bit-packed booleans.</summary>
internal sealed class BoolColumn() : FormatColumn(BooleanType.Default)
{
    private GrowableBuffer<byte> _values = new(256);

    public void Append(bool value)
    {
        _values.Add(value ? (byte)1 : (byte)0);
        _validity.AppendValid();
    }

    public override void AppendNull()
    {
        _values.Add(0);
        _validity.AppendNull();
    }

    public override void Truncate(int length)
    {
        _values.Truncate(length);
        _validity.Truncate(length);
    }

    public override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var data = ArrowBuffer.Empty;
        if (length > 0)
        {
            var packed = new NativeBuffer<byte, MemoryPressureAllocationTracker>((length + 7) >> 3, true, default);
            var bits = packed.Span;
            var values = _values.Used;
            for (var i = 0; i < length; i++)
            {
                bits[i >> 3] |= (byte)(values[i] << (i & 7));
            }

            data = packed.Build();
        }

        var validity = _validity.Build();
        _values.Clear();
        return new ArrayData(Type, length, nulls, 0, [validity, data]);
    }
}

/// <summary>utf8 or binary: int32 offsets and one data buffer.</summary>
internal sealed class BytesColumn : FormatColumn
{
    private GrowableBuffer<int> _offsets = new(256);
    private GrowableBuffer<byte> _data = new(4096);

    public BytesColumn(IArrowType type)
        : base(type)
    {
        _offsets.Add(0);
    }

    public void Append(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_data.Reserve(value.Length));
        _data.Commit(value.Length);
        _offsets.Add(_data.Count);
        _validity.AppendValid();
    }

    public override void AppendNull()
    {
        _offsets.Add(_data.Count);
        _validity.AppendNull();
    }

    public override void Truncate(int length)
    {
        _offsets.Truncate(length + 1);
        _data.Truncate(_offsets[length]);
        _validity.Truncate(length);
    }

    public override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var offsets = _offsets.ToArrow(length + 1);
        var data = _data.ToArrow(_data.Count);
        var validity = _validity.Build();
        _offsets.Clear();
        _offsets.Add(0);
        _data.Clear();
        return new ArrayData(Type, length, nulls, 0, [validity, offsets, data]);
    }
}

/// <summary>fixed_size_binary(n) of any width.</summary>
internal sealed class FixedBinaryColumn(FixedSizeBinaryType type) : FormatColumn(type)
{
    private readonly int _width = type.ByteWidth;
    private GrowableBuffer<byte> _data = new(4096);

    public void Append(ReadOnlySpan<byte> value)
    {
        value[.._width].CopyTo(_data.Reserve(_width));
        _data.Commit(_width);
        _validity.AppendValid();
    }

    public override void AppendNull()
    {
        _data.Reserve(_width)[.._width].Clear();
        _data.Commit(_width);
        _validity.AppendNull();
    }

    public override void Truncate(int length)
    {
        _data.Truncate(length * _width);
        _validity.Truncate(length);
    }

    public override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var data = _data.ToArrow(_data.Count);
        var validity = _validity.Build();
        _data.Clear();
        return new ArrayData(Type, length, nulls, 0, [validity, data]);
    }
}

/// <summary>A list (or, with a struct of key and value as items, a map): int32 offsets into one item column.</summary>
internal sealed class ListOfColumn : FormatColumn
{
    private GrowableBuffer<int> _offsets = new(256);

    public ListOfColumn(IArrowType type, FormatColumn items)
        : base(type)
    {
        Items = items;
        _offsets.Add(0);
    }

    public FormatColumn Items { get; }

    /// <summary>Closes the row whose items were appended to <see cref="Items"/> since the previous row.</summary>
    public void EndList()
    {
        _offsets.Add(Items.Length);
        _validity.AppendValid();
    }

    public override void AppendNull()
    {
        _offsets.Add(Items.Length);
        _validity.AppendNull();
    }

    public override void Truncate(int length)
    {
        _offsets.Truncate(length + 1);
        Items.Truncate(_offsets[length]);
        _validity.Truncate(length);
    }

    public override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var offsets = _offsets.ToArrow(length + 1);
        var items = Items.BuildData();
        var validity = _validity.Build();
        _offsets.Clear();
        _offsets.Add(0);
        return new ArrayData(Type, length, nulls, 0, [validity, offsets], [items]);
    }
}

/// <summary>A struct of child columns, one row in each per row; a null struct holds placeholders in its children.</summary>
internal sealed class StructOfColumn(StructType type, FormatColumn[] children) : FormatColumn(type)
{
    public FormatColumn[] Children { get; } = children;

    /// <summary>Closes a row whose children were each appended one value.</summary>
    public void EndStruct() => _validity.AppendValid();

    public override void AppendNull()
    {
        foreach (var child in Children)
        {
            child.AppendNull();
        }

        _validity.AppendNull();
    }

    public override void Truncate(int length)
    {
        foreach (var child in Children)
        {
            child.Truncate(length);
        }

        _validity.Truncate(length);
    }

    public override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var children = new ArrayData[Children.Length];
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = Children[i].BuildData();
        }

        var validity = _validity.Build();
        return new ArrayData(Type, length, nulls, 0, [validity], children);
    }
}
