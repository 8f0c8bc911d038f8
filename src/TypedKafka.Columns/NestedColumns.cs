using System.ComponentModel;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Columns;

/// <summary>Arrays and lists as an Arrow list of <typeparamref name="TItem"/>: int32 offsets into one item column.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class ListColumn<TItem> : ArrowColumn, IListColumn
    where TItem : ArrowColumn
{
    private GrowableBuffer<int> _offsets = new(256);

    /// <param name="items">The column of the lists' items.</param>
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public ListColumn(TItem items, bool nullable)
        : base(new ListType(new Field("item", items?.Type ?? throw new ArgumentNullException(nameof(items)), items.IsNullable)), nullable)
    {
        Items = items;
        _offsets.Add(0);
    }

    /// <summary>The column every list's items are appended to.</summary>
    public TItem Items { get; }

    ArrowColumn IListColumn.Items => Items;

    /// <inheritdoc/>
    public override void AppendNull()
    {
        _offsets.Add(Items.Length);
        _validity.AppendNull();
    }

    /// <inheritdoc/>
    public override void Truncate(int length)
    {
        _offsets.Truncate(length + 1);
        Items.Truncate(_offsets[length]);
        _validity.Truncate(length);
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            error = DecodeError.Expected("an array", ref reader);
            return false;
        }

        var index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (!Items.TryAppend(ref reader, out error))
            {
                error = error.AtIndex(index);
                return false;
            }

            index++;
        }

        _offsets.Add(Items.Length);
        _validity.AppendValid();
        error = default;
        return true;
    }

    internal override ArrayData BuildData()
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

/// <summary>A nested [KafkaMessage] type as an Arrow struct of its members' columns.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StructColumn : ArrowColumn
{
    private readonly MessageColumns _members;

    /// <summary>The nested type's columns.</summary>
    public MessageColumns Members => _members;

    /// <param name="members">The nested type's columns.</param>
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public StructColumn(MessageColumns members, bool nullable)
        : base(new StructType(members?.Fields.ToArray() ?? throw new ArgumentNullException(nameof(members))), nullable)
    {
        if (members.ReadsHeaders)
        {
            // Headers belong to the message, not to a value nested in it: there would be none to read.
            throw new NotSupportedException($"{members.GetType().DeclaringType?.Name ?? members.GetType().Name} has [KafkaHeader] members, so it can only be the message type itself, not a member of another [KafkaMessage] type.");
        }

        _members = members;
    }

    /// <inheritdoc/>
    public override void AppendNull()
    {
        _members.AppendNullRow();
        _validity.AppendNull();
    }

    /// <inheritdoc/>
    public override void Truncate(int length)
    {
        _members.Truncate(length);
        _validity.Truncate(length);
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (!_members.TryRead(ref reader, out error))
        {
            return false;
        }

        _validity.AppendValid();
        return true;
    }

    internal override ArrayData BuildData()
    {
        var length = _validity.Length;
        var nulls = _validity.NullCount;
        var children = _members.BuildData();
        var validity = _validity.Build();
        return new ArrayData(Type, length, nulls, 0, [validity], children);
    }
}

/// <summary>A list column whatever its item column's type, for code that walks columns.</summary>
public interface IListColumn
{
    /// <summary>The column of the list's items.</summary>
    ArrowColumn Items { get; }
}
