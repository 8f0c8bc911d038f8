using System.Globalization;
using System.Text;
using Google.Protobuf.Reflection;
using ProtoType = Google.Protobuf.Reflection.FieldType;

namespace TypedKafka.Formats.Protobuf;

/// <summary>A writer's message that cannot fill a record's members: every row written with it is bad, for this reason.</summary>
internal sealed class ProtoBindingException(string reason) : Exception(reason);

/// <summary>
/// One writer message bound to a record's members by field name (each member's payload name),
/// reading that message's wire format straight into the members' columns. Bound once per writer
/// schema id, when its first row comes: a member the writer lacks is null (nullable) or refused, a
/// field of another type than the member's is refused, naming both. Reading then follows protobuf:
/// fields in any order, the last occurrence of a singular field wins, fields no member asks for are
/// skipped, absent fields take proto3's defaults, or null when the field has presence (messages,
/// <c>optional</c>) and the member is nullable.
/// </summary>
internal sealed class ProtoMemberReader
{
    private readonly MemberSlot[] _slots;
    private readonly Dictionary<int, MemberSlot> _byNumber = [];
    private readonly StructOfColumn? _struct;

    /// <exception cref="ProtoBindingException">The message cannot fill the members; the message names the member and the field.</exception>
    public ProtoMemberReader(MessageDescriptor writer, ProtoMemberTarget[] members, StructOfColumn? target)
    {
        _struct = target;
        _slots = new MemberSlot[members.Length];
        for (var i = 0; i < members.Length; i++)
        {
            var member = members[i];
            var field = writer.FindFieldByName(member.PayloadName);
            if (field is null && !member.Nullable)
            {
                throw new ProtoBindingException(
                    $"member '{member.Path}' has no field '{member.PayloadName}' in the writer's message '{writer.FullName}', and the member is not nullable");
            }

            _slots[i] = new MemberSlot(member, field);
            if (field is not null)
            {
                _byNumber[field.FieldNumber] = _slots[i];
            }
        }
    }

    /// <summary>Appends one message: one value to every member's column (and one struct row when nested).</summary>
    /// <exception cref="PayloadFormatException">The bytes are not the writer's message; columns may hold part of the row.</exception>
    public void Read(ReadOnlySpan<byte> data)
    {
        foreach (var slot in _slots)
        {
            slot.IsSet = false;
        }

        var input = new ProtoWire(data);
        while (!input.AtEnd)
        {
            var tag = input.ReadVarint();
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            if (_byNumber.TryGetValue(number, out var slot))
            {
                slot.Take(ref input, wireType);
            }
            else
            {
                input.Skip(wireType, number);
            }
        }

        foreach (var slot in _slots)
        {
            slot.Flush(data);
        }

        _struct?.EndStruct();
    }

    /// <summary>A member and the writer's field bound to it (none: the member is always null).</summary>
    private sealed class MemberSlot
    {
        private readonly ProtoMemberTarget _member;
        private readonly FieldDescriptor? _field;
        private readonly ProtoType _type;
        private readonly bool _repeated;
        private readonly bool _presence;
        private readonly string _path;
        private readonly ProtoMemberTarget _items;
        private readonly ProtoMemberReader? _message;
        private readonly Dictionary<int, byte[]>? _enumNames;
        private ulong _bits;
        private int _start;
        private int _length;

        public MemberSlot(ProtoMemberTarget member, FieldDescriptor? field)
        {
            _member = member;
            _field = field;
            _items = member;
            if (field is null)
            {
                _path = member.PayloadName;
                return;
            }

            _type = field.FieldType;
            _repeated = field.IsRepeated;
            _presence = !field.IsRepeated && field.HasPresence;
            _path = field.FullName;
            if (_repeated != (member.Kind == MemberKind.List))
            {
                throw Mismatch(member, field);
            }

            if (_repeated)
            {
                _items = member.Item!;
            }

            if (!Fits(_items.Kind, _type))
            {
                throw Mismatch(member, field);
            }

            if (_items.Kind == MemberKind.Struct)
            {
                _message = new ProtoMemberReader(field.MessageType, _items.Members!, (StructOfColumn)_items.Column);
            }
            else if (_items.Kind == MemberKind.Enum)
            {
                // Each writer value the C# enum names (exactly, else ignoring case), by number; other numbers make bad rows.
                var members = _items.Enum!;
                _enumNames = [];
                foreach (var value in field.EnumType.Values)
                {
                    var index = members.IndexOfName(Encoding.UTF8.GetBytes(value.Name));
                    if (index >= 0)
                    {
                        _enumNames.TryAdd(value.Number, members.Utf8Name(index).ToArray());
                    }
                }
            }
        }

        public bool IsSet { get; set; }

        public void Take(ref ProtoWire input, int wireType)
        {
            if (_repeated)
            {
                if (wireType == ProtoWire.LengthDelimited && IsPackable(_type))
                {
                    var packed = new ProtoWire(input.ReadLengthDelimited());
                    var itemWire = WireTypeOf(_type);
                    while (!packed.AtEnd)
                    {
                        AppendScalar(_items, packed.ReadValue(itemWire, _path));
                    }

                    return;
                }

                CheckWireType(wireType);
                if (_message is not null)
                {
                    _message.Read(input.ReadLengthDelimited());
                }
                else if (wireType == ProtoWire.LengthDelimited)
                {
                    AppendBytes(_items, input.ReadLengthDelimited());
                }
                else
                {
                    AppendScalar(_items, input.ReadValue(wireType, _path));
                }

                return;
            }

            CheckWireType(wireType);
            IsSet = true;
            if (wireType == ProtoWire.LengthDelimited)
            {
                // Where the value lies in this message's bytes: read at the message's end, when its last occurrence is known.
                (_start, _length) = input.ReadLengthDelimitedRange();
            }
            else
            {
                _bits = input.ReadValue(wireType, _path);
            }
        }

        public void Flush(ReadOnlySpan<byte> data)
        {
            if (_field is null)
            {
                _member.Column.AppendNull();
                return;
            }

            if (_repeated)
            {
                ((ListOfColumn)_member.Column).EndList();
                return;
            }

            if (!IsSet)
            {
                if (_presence && _member.Nullable)
                {
                    _member.Column.AppendNull();
                }
                else if (_message is not null)
                {
                    // A non-nullable member takes what protobuf's getters give: the message with every field at its default.
                    _message.Read(default);
                }
                else if (_type is ProtoType.String or ProtoType.Bytes)
                {
                    ((BytesColumn)_member.Column).Append(default);
                }
                else
                {
                    AppendScalar(_member, 0);
                }

                return;
            }

            if (_message is not null)
            {
                _message.Read(data.Slice(_start, _length));
            }
            else if (_type is ProtoType.String or ProtoType.Bytes)
            {
                AppendBytes(_member, data.Slice(_start, _length));
            }
            else
            {
                AppendScalar(_member, _bits);
            }
        }

        private void AppendBytes(ProtoMemberTarget target, ReadOnlySpan<byte> bytes)
        {
            if (_type == ProtoType.String && !System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw new PayloadFormatException($"field '{_path}': the string is not valid UTF-8");
            }

            ((BytesColumn)target.Column).Append(bytes);
        }

        /// <summary>A varint or fixed value, as the field's type reads its bits, into the member's column type (widened where Fits allows).</summary>
        private void AppendScalar(ProtoMemberTarget target, ulong bits)
        {
            var column = target.Column;
            switch (target.Kind)
            {
                case MemberKind.Int32:
                    ((FixedColumn<int>)column).Append(Int32Of(bits));
                    break;
                case MemberKind.Int64:
                    ((FixedColumn<long>)column).Append(_type switch
                    {
                        ProtoType.Int32 or ProtoType.SInt32 or ProtoType.SFixed32 => Int32Of(bits),
                        ProtoType.UInt32 or ProtoType.Fixed32 => (uint)bits,
                        ProtoType.SInt64 => (long)(bits >> 1) ^ -(long)(bits & 1),
                        _ => (long)bits,
                    });
                    break;
                case MemberKind.UInt32:
                    ((FixedColumn<uint>)column).Append((uint)bits);
                    break;
                case MemberKind.UInt64:
                    ((FixedColumn<ulong>)column).Append(_type is ProtoType.UInt32 or ProtoType.Fixed32 ? (uint)bits : bits);
                    break;
                case MemberKind.Float:
                    ((FixedColumn<float>)column).Append(BitConverter.UInt32BitsToSingle((uint)bits));
                    break;
                case MemberKind.Double:
                    ((FixedColumn<double>)column).Append(_type == ProtoType.Float ? BitConverter.UInt32BitsToSingle((uint)bits) : BitConverter.UInt64BitsToDouble(bits));
                    break;
                case MemberKind.Bool:
                    ((BoolColumn)column).Append(bits != 0);
                    break;
                case MemberKind.Enum:
                    var number = (int)bits;
                    if (!_enumNames!.TryGetValue(number, out var name))
                    {
                        var writerName = _field!.EnumType.FindValueByNumber(number)?.Name;
                        throw new PayloadFormatException(
                            $"field '{_path}': enum value {(writerName is null ? number.ToString(CultureInfo.InvariantCulture) : $"{writerName} ({number})")} is not a member of {target.Enum!.EnumName} (member '{target.Path}')");
                    }

                    ((BytesColumn)column).Append(name);
                    break;
                default:
                    throw new InvalidOperationException($"Member '{target.Path}' ({target.Kind}) takes no scalar.");
            }
        }

        private int Int32Of(ulong bits) => _type == ProtoType.SInt32 ? (int)((uint)bits >> 1) ^ -(int)(bits & 1) : (int)bits;

        private void CheckWireType(int wireType)
        {
            var expected = WireTypeOf(_type);
            if (wireType != expected)
            {
                throw new PayloadFormatException($"field '{_path}' (number {_field!.FieldNumber}) has wire type {wireType}, not the {expected} of its type {_type}");
            }
        }

        /// <summary>Whether a field of <paramref name="type"/> fills a column of <paramref name="kind"/> without loss.</summary>
        private static bool Fits(MemberKind kind, ProtoType type) => kind switch
        {
            MemberKind.Int32 => type is ProtoType.Int32 or ProtoType.SInt32 or ProtoType.SFixed32,
            MemberKind.Int64 => type is ProtoType.Int64 or ProtoType.SInt64 or ProtoType.SFixed64 or ProtoType.Int32 or ProtoType.SInt32 or ProtoType.SFixed32 or ProtoType.UInt32 or ProtoType.Fixed32,
            MemberKind.UInt32 => type is ProtoType.UInt32 or ProtoType.Fixed32,
            MemberKind.UInt64 => type is ProtoType.UInt64 or ProtoType.Fixed64 or ProtoType.UInt32 or ProtoType.Fixed32,
            MemberKind.Float => type is ProtoType.Float,
            MemberKind.Double => type is ProtoType.Double or ProtoType.Float,
            MemberKind.Bool => type is ProtoType.Bool,
            MemberKind.String => type is ProtoType.String,
            MemberKind.Bytes => type is ProtoType.Bytes,
            MemberKind.Enum => type is ProtoType.Enum,
            MemberKind.Struct => type is ProtoType.Message,
            _ => false,
        };

        private static ProtoBindingException Mismatch(ProtoMemberTarget member, FieldDescriptor field)
        {
            var fieldType = field.FieldType switch
            {
                ProtoType.Message => field.IsMap ? "a map" : $"message {field.MessageType.FullName}",
                ProtoType.Enum => $"enum {field.EnumType.FullName}",
                var other => other.ToString().ToLowerInvariant(),
            };
            var memberType = member.Kind == MemberKind.List ? $"a list of {Describe(member.Item!)}" : Describe(member);
            return new ProtoBindingException(
                $"member '{member.Path}' is {memberType}, and the writer's field '{field.FullName}' is {(field.IsRepeated && !field.IsMap ? "repeated " : string.Empty)}{fieldType}");
        }

        private static string Describe(ProtoMemberTarget member) => member.Kind switch
        {
            MemberKind.Enum => $"enum {member.Enum!.EnumName}",
            MemberKind.Struct => "a message",
            MemberKind.List => $"a list of {Describe(member.Item!)}",
            var kind => kind.ToString().ToLowerInvariant(),
        };

        private static int WireTypeOf(ProtoType type) => type switch
        {
            ProtoType.Fixed64 or ProtoType.SFixed64 or ProtoType.Double => ProtoWire.Fixed64,
            ProtoType.Fixed32 or ProtoType.SFixed32 or ProtoType.Float => ProtoWire.Fixed32,
            ProtoType.String or ProtoType.Bytes or ProtoType.Message => ProtoWire.LengthDelimited,
            _ => ProtoWire.Varint,
        };

        private static bool IsPackable(ProtoType type) => type is not (ProtoType.String or ProtoType.Bytes or ProtoType.Message or ProtoType.Group);
    }
}
