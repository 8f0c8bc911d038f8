using System.Buffers.Text;
using System.ComponentModel;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Columns;

/// <summary>A column of variable-width values: validity, int32 offsets and one data buffer.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class VariableWidthColumn : ArrowColumn
{
    private GrowableBuffer<int> _offsets = new(256);
    private GrowableBuffer<byte> _data = new(4096);

    private protected VariableWidthColumn(IArrowType type, bool nullable)
        : base(type, nullable)
    {
        _offsets.Add(0);
    }

    /// <inheritdoc/>
    public override void AppendNull()
    {
        _offsets.Add(_data.Count);
        _validity.AppendNull();
    }

    /// <inheritdoc/>
    public override void Truncate(int length)
    {
        _offsets.Truncate(length + 1);
        _data.Truncate(_offsets[length]);
        _validity.Truncate(length);
    }

    /// <summary>Appends <paramref name="value"/>'s bytes as the next row.</summary>
    public void Append(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_data.Reserve(value.Length));
        _data.Commit(value.Length);
        _offsets.Add(_data.Count);
        _validity.AppendValid();
    }

    /// <summary>Room for at least <paramref name="length"/> bytes of the next value; <see cref="CommitValue"/> what was written.</summary>
    private protected Span<byte> ReserveValue(int length) => _data.Reserve(length);

    private protected void CommitValue(int written)
    {
        _data.Commit(written);
        _offsets.Add(_data.Count);
        _validity.AppendValid();
    }

    internal override ArrayData BuildData()
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

/// <summary>string as utf8: the token's bytes are copied as they are, or unescaped straight into the column.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class StringColumn : VariableWidthColumn
{
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public StringColumn(bool nullable)
        : base(StringType.Default, nullable)
    {
    }

    internal override bool ReadsPlainValues => true;

    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        if (kind != PlainJsonValue.String || !System.Text.Unicode.Utf8.IsValid(text))
        {
            return false;
        }

        Append(text);
        return true;
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            error = DecodeError.Expected("a string", ref reader);
            return false;
        }

        if (!reader.ValueIsEscaped)
        {
            if (TryAppendPlain(PlainJsonValue.String, reader.ValueSpan))
            {
                error = default;
                return true;
            }
        }
        else if (JsonText.TryCopyString(ref reader, ReserveValue(reader.ValueSpan.Length), out var written))
        {
            CommitValue(written);
            error = default;
            return true;
        }

        error = DecodeError.Create("invalid escape sequence or UTF-8 in a string");
        return false;
    }
}

/// <summary>byte[] as binary, from a base64 string (as System.Text.Json writes it), decoded straight into the column.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class BinaryColumn : VariableWidthColumn
{
    private byte[] _scratch = new byte[256];

    /// <param name="nullable">Whether JSON null is accepted.</param>
    public BinaryColumn(bool nullable)
        : base(BinaryType.Default, nullable)
    {
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            error = DecodeError.Expected("a base64 string", ref reader);
            return false;
        }

        if (JsonText.TryUnescape(ref reader, ref _scratch, out var text))
        {
            var destination = ReserveValue(Base64.GetMaxDecodedFromUtf8Length(text.Length));
            if (Base64.DecodeFromUtf8(text, destination, out _, out var written) == System.Buffers.OperationStatus.Done)
            {
                CommitValue(written);
                error = default;
                return true;
            }
        }

        error = DecodeError.Create("expected a base64 string, got a string that is not one");
        return false;
    }
}

/// <summary>An enum stored by name (<c>KafkaEnumFormat.Name</c>) in a utf8 column.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class EnumColumn : VariableWidthColumn
{
    private readonly EnumMembers _members;
    private byte[] _scratch = new byte[64];

    /// <summary>The enum's members.</summary>
    public EnumMembers Members => _members;

    /// <param name="members">The enum's members.</param>
    /// <param name="nullable">Whether JSON null is accepted.</param>
    public EnumColumn(EnumMembers members, bool nullable)
        : base(StringType.Default, nullable)
    {
        ArgumentNullException.ThrowIfNull(members);
        _members = members;
    }

    internal override bool ReadsPlainValues => true;

    // A name as written; a member's number is left to the reader.
    internal override bool TryAppendPlain(PlainJsonValue kind, ReadOnlySpan<byte> text)
    {
        var index = kind == PlainJsonValue.String ? _members.IndexOfName(text) : -1;
        if (index < 0)
        {
            return false;
        }

        Append(_members.Utf8Name(index));
        return true;
    }

    private protected override bool TryAppendValue(ref Utf8JsonReader reader, out DecodeError error)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            if (!JsonText.TryUnescape(ref reader, ref _scratch, out var name))
            {
                error = DecodeError.Create("invalid escape sequence or UTF-8 in a string");
                return false;
            }

            if (TryAppendPlain(PlainJsonValue.String, name))
            {
                error = default;
                return true;
            }

            error = DecodeError.Create(_members.NotAMember(name));
            return false;
        }
        // The number of a defined member.
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) && _members.IndexOfValue(number) is var index and >= 0)
        {
            Append(_members.Utf8Name(index));
            error = default;
            return true;
        }

        error = reader.TokenType == JsonTokenType.Number
            ? DecodeError.Create($"{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is not the value of a member of {_members.EnumName}")
            : DecodeError.Expected($"a member of {_members.EnumName}", ref reader);
        return false;
    }
}
