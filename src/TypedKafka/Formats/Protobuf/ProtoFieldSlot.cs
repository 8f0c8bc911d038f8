using ProtoType = Google.Protobuf.Reflection.FieldType;

namespace TypedKafka.Formats.Protobuf;

/// <summary>
/// The wire side of one protobuf field, shared by the schema-driven reader (one column per field)
/// and the member-bound reader (a record's members): repeated items, packed or not, go to the item
/// column as they come; a singular field notes its last occurrence (protobuf's rule) and is written
/// at the message's end (<see cref="ReadMessage"/>), when every field is known. Where the values go is
/// the subclass's.
/// </summary>
internal abstract class ProtoFieldSlot
{
    private readonly int _number;
    private readonly bool _repeated;
    private ulong _bits;
    private int _start;
    private int _length;

    protected ProtoFieldSlot(ProtoType type, int number, bool repeated, string path)
    {
        Type = type;
        _number = number;
        _repeated = repeated;
        Path = path;
    }

    public bool IsSet { get; private set; }

    /// <summary>The field's type on the wire.</summary>
    protected ProtoType Type { get; }

    /// <summary>The field's path in the message, for errors.</summary>
    protected string Path { get; }

    /// <summary>Appends one message: each slot's value, or its default where the message lacks it.</summary>
    /// <exception cref="PayloadFormatException">The bytes are not the message; columns may hold part of the row.</exception>
    public static void ReadMessage<TSlot>(ReadOnlySpan<byte> data, TSlot[] slots, Dictionary<int, TSlot> byNumber)
        where TSlot : ProtoFieldSlot
    {
        foreach (var slot in slots)
        {
            slot.IsSet = false;
        }

        var input = new ProtoWire(data);
        while (!input.AtEnd)
        {
            var tag = input.ReadVarint();
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            if (byNumber.TryGetValue(number, out var slot))
            {
                slot.Take(ref input, wireType);
            }
            else
            {
                input.Skip(wireType, number);
            }
        }

        foreach (var slot in slots)
        {
            if (slot._repeated)
            {
                slot.EndRepeated();
            }
            else if (slot.IsSet)
            {
                slot.Write(data.Slice(slot._start, slot._length), slot._bits);
            }
            else
            {
                slot.WriteAbsent();
            }
        }
    }

    /// <summary>Reads this field's value at the reader's position (its tag already read).</summary>
    public void Take(ref ProtoWire input, int wireType)
    {
        if (_repeated && wireType == ProtoWire.LengthDelimited && IsPackable(Type))
        {
            var packed = new ProtoWire(input.ReadLengthDelimited());
            var itemWire = WireTypeOf(Type);
            while (!packed.AtEnd)
            {
                AppendItemScalar(packed.ReadValue(itemWire, Path));
            }

            return;
        }

        var expected = WireTypeOf(Type);
        if (wireType != expected)
        {
            throw new PayloadFormatException($"field '{Path}' (number {_number}) has wire type {wireType}, not the {expected} of its type {Type}");
        }

        if (_repeated)
        {
            if (wireType == ProtoWire.LengthDelimited)
            {
                AppendItemBytes(input.ReadLengthDelimited());
            }
            else
            {
                AppendItemScalar(input.ReadValue(wireType, Path));
            }

            return;
        }

        IsSet = true;
        if (wireType == ProtoWire.LengthDelimited)
        {
            // Where the value lies in this message's bytes: written at the message's end, when its last occurrence is known.
            (_start, _length) = input.ReadLengthDelimitedRange();
        }
        else
        {
            _bits = input.ReadValue(wireType, Path);
        }
    }

    /// <summary>One repeated item: a length-delimited one (string, bytes or message).</summary>
    protected abstract void AppendItemBytes(ReadOnlySpan<byte> bytes);

    /// <summary>One repeated item: a varint or fixed value's bits.</summary>
    protected abstract void AppendItemScalar(ulong bits);

    /// <summary>Ends the message's list of a repeated field.</summary>
    protected abstract void EndRepeated();

    /// <summary>A singular field's last occurrence: its bytes when length-delimited, else its bits.</summary>
    protected abstract void Write(ReadOnlySpan<byte> bytes, ulong bits);

    /// <summary>A singular field the message lacks: null where it has presence, else proto3's default.</summary>
    protected abstract void WriteAbsent();

    /// <summary>Checks a string's bytes, which protobuf requires to be UTF-8.</summary>
    protected void CheckUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Type == ProtoType.String && !System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw new PayloadFormatException($"field '{Path}': the string is not valid UTF-8");
        }
    }

    protected static long ZigZag64(ulong bits) => (long)(bits >> 1) ^ -(long)(bits & 1);

    protected static int ZigZag32(ulong bits) => (int)((uint)bits >> 1) ^ -(int)(bits & 1);

    private static int WireTypeOf(ProtoType type) => type switch
    {
        ProtoType.Fixed64 or ProtoType.SFixed64 or ProtoType.Double => ProtoWire.Fixed64,
        ProtoType.Fixed32 or ProtoType.SFixed32 or ProtoType.Float => ProtoWire.Fixed32,
        ProtoType.String or ProtoType.Bytes or ProtoType.Message or ProtoType.Group => ProtoWire.LengthDelimited,
        _ => ProtoWire.Varint,
    };

    private static bool IsPackable(ProtoType type) => type is not (ProtoType.String or ProtoType.Bytes or ProtoType.Message or ProtoType.Group);
}
