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
        ProtoFieldSlot.ReadMessage(data, _slots, _byNumber);
        _struct?.EndStruct();
    }

    /// <summary>A member and the writer's field bound to it (none: the member is always null).</summary>
    private sealed class MemberSlot : ProtoFieldSlot
    {
        private readonly ProtoMemberTarget _member;
        private readonly FieldDescriptor? _field;
        private readonly bool _presence;
        private readonly ProtoMemberTarget _items;
        private readonly ProtoMemberReader? _message;
        private readonly Dictionary<int, byte[]>? _enumNames;

        public MemberSlot(ProtoMemberTarget member, FieldDescriptor? field)
            : base(field?.FieldType ?? default, field?.FieldNumber ?? 0, field?.IsRepeated ?? false, field?.FullName ?? member.PayloadName)
        {
            _member = member;
            _field = field;
            _items = member;
            if (field is null)
            {
                return;
            }

            _presence = !field.IsRepeated && field.HasPresence;
            if (field.IsRepeated != (member.Kind == MemberKind.List))
            {
                throw Mismatch(member, field);
            }

            if (field.IsRepeated)
            {
                _items = member.Item!;
            }

            if (!Fits(_items.Kind, Type))
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

        protected override void AppendItemBytes(ReadOnlySpan<byte> bytes) => AppendBytes(_items, bytes);

        protected override void AppendItemScalar(ulong bits) => AppendScalar(_items, bits);

        protected override void EndRepeated() => ((ListOfColumn)_member.Column).EndList();

        protected override void Write(ReadOnlySpan<byte> bytes, ulong bits)
        {
            if (_message is not null || Type is ProtoType.String or ProtoType.Bytes)
            {
                AppendBytes(_member, bytes);
            }
            else
            {
                AppendScalar(_member, bits);
            }
        }

        protected override void WriteAbsent()
        {
            if (_field is null || (_presence && _member.Nullable))
            {
                _member.Column.AppendNull();
            }
            else if (_message is not null)
            {
                // A non-nullable member takes what protobuf's getters give: the message with every field at its default.
                _message.Read(default);
            }
            else if (Type is ProtoType.String or ProtoType.Bytes)
            {
                ((BytesColumn)_member.Column).Append(default);
            }
            else
            {
                AppendScalar(_member, 0);
            }
        }

        /// <summary>A length-delimited value: a nested message's members, or a string's or bytes' bytes.</summary>
        private void AppendBytes(ProtoMemberTarget target, ReadOnlySpan<byte> bytes)
        {
            if (_message is not null)
            {
                _message.Read(bytes);
                return;
            }

            CheckUtf8(bytes);
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
                    ((FixedColumn<long>)column).Append(Type switch
                    {
                        ProtoType.Int32 or ProtoType.SInt32 or ProtoType.SFixed32 => Int32Of(bits),
                        ProtoType.UInt32 or ProtoType.Fixed32 => (uint)bits,
                        ProtoType.SInt64 => ZigZag64(bits),
                        _ => (long)bits,
                    });
                    break;
                case MemberKind.UInt32:
                    ((FixedColumn<uint>)column).Append((uint)bits);
                    break;
                case MemberKind.UInt64:
                    ((FixedColumn<ulong>)column).Append(Type is ProtoType.UInt32 or ProtoType.Fixed32 ? (uint)bits : bits);
                    break;
                case MemberKind.Float:
                    ((FixedColumn<float>)column).Append(BitConverter.UInt32BitsToSingle((uint)bits));
                    break;
                case MemberKind.Double:
                    ((FixedColumn<double>)column).Append(Type == ProtoType.Float ? BitConverter.UInt32BitsToSingle((uint)bits) : BitConverter.UInt64BitsToDouble(bits));
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
                            $"field '{Path}': enum value {(writerName is null ? number.ToString(CultureInfo.InvariantCulture) : $"{writerName} ({number})")} is not a member of {target.Enum!.EnumName} (member '{target.Path}')");
                    }

                    ((BytesColumn)column).Append(name);
                    break;
                default:
                    throw new InvalidOperationException($"Member '{target.Path}' ({target.Kind}) takes no scalar.");
            }
        }

        private int Int32Of(ulong bits) => Type == ProtoType.SInt32 ? ZigZag32(bits) : (int)bits;

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
    }
}
