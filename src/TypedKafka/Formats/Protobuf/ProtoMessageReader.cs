using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using Google.Protobuf.Reflection;
using Field = Apache.Arrow.Field;
using ProtoType = Google.Protobuf.Reflection.FieldType;

namespace TypedKafka.Formats.Protobuf;

/// <summary>
/// Reads one message type's protobuf wire format into Arrow columns, one per field of its
/// descriptor (in declaration order): scalars as their Arrow types, enums as utf8 names, messages
/// as structs, repeated fields as lists, maps as maps. Fields come in any order on the wire, so
/// singular ones are noted while parsing (the last occurrence wins) and appended at the message's
/// end; repeated items go straight into their list's item column. Absent fields take proto3's
/// defaults, or null where the field has presence (messages, <c>optional</c>).
/// </summary>
internal sealed class ProtoMessageReader
{
    private readonly ProtoField[] _fields;
    private readonly Dictionary<int, ProtoField> _byNumber = [];
    private StructOfColumn? _target;

    public ProtoMessageReader(MessageDescriptor message, bool asStruct, string path, HashSet<string>? open = null)
    {
        open ??= new HashSet<string>(StringComparer.Ordinal);
        if (!open.Add(message.FullName))
        {
            throw new NotSupportedException($"Protobuf message '{message.FullName}' contains itself (at '{path}'); recursive messages have no Arrow schema.");
        }

        _fields = [.. message.Fields.InDeclarationOrder().Select(f => new ProtoField(f, Join(path, f.Name), open))];
        open.Remove(message.FullName);
        foreach (var field in _fields)
        {
            _byNumber[field.Number] = field;
        }

        Fields = [.. _fields.Select(f => new Field(f.Name, f.Column.Type, f.Nullable))];
        Columns = [.. _fields.Select(f => f.Column)];
        if (asStruct)
        {
            _target = new StructOfColumn(new StructType([.. Fields]), Columns);
        }
    }

    public IReadOnlyList<Field> Fields { get; }

    public FormatColumn[] Columns { get; }

    /// <summary>The struct column this message fills, when it is nested.</summary>
    public StructOfColumn Struct => _target!;

    /// <summary>Fills <paramref name="type"/>'s struct of this message's columns: a map's entries, whose type the map decides.</summary>
    public StructOfColumn AttachStruct(StructType type) => _target = new StructOfColumn(type, Columns);

    /// <summary>Appends one message (one row of each column; one struct row when nested).</summary>
    public void Read(ReadOnlySpan<byte> data)
    {
        ProtoFieldSlot.ReadMessage(data, _fields, _byNumber);
        _target?.EndStruct();
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>One field: its column and how its values are written to it.</summary>
    private sealed class ProtoField : ProtoFieldSlot
    {
        private readonly bool _presence;
        private readonly ProtoMessageReader? _message;
        private readonly Dictionary<int, byte[]>? _enumNames;
        private readonly byte[]? _enumDefault;
        private readonly FormatColumn _items;

        public ProtoField(FieldDescriptor field, string path, HashSet<string> open)
            : base(field.FieldType, field.FieldNumber, field.IsRepeated, path)
        {
            Number = field.FieldNumber;
            Name = field.Name;
            _presence = !field.IsRepeated && field.HasPresence;
            if (Type == ProtoType.Enum)
            {
                _enumNames = field.EnumType.Values.GroupBy(v => v.Number).ToDictionary(g => g.Key, g => Encoding.UTF8.GetBytes(g.First().Name));
                _enumDefault = _enumNames.GetValueOrDefault(0) ?? "0"u8.ToArray();
            }

            if (field.IsMap)
            {
                // A map is a repeated entry message of key (1) and value (2): read as that message into the map's entries.
                _message = new ProtoMessageReader(field.MessageType, asStruct: false, path + "{}", open);
                var key = _message.Fields[0];
                var value = _message.Fields[1];
                var type = new MapType(new Field("key", key.DataType, false), new Field("value", value.DataType, value.IsNullable));
                _items = _message.AttachStruct(type.KeyValueType);
                Column = new ListOfColumn(type, _items);
                Nullable = false;
                return;
            }

            if (Type is ProtoType.Message or ProtoType.Group)
            {
                _message = new ProtoMessageReader(field.MessageType, asStruct: true, path, open);
                _items = _message.Struct;
            }
            else
            {
                _items = ScalarColumn(Type);
            }

            Column = field.IsRepeated ? new ListOfColumn(new ListType(new Field("item", _items.Type, false)), _items) : _items;
            Nullable = _presence;
        }

        public int Number { get; }

        public string Name { get; }

        public FormatColumn Column { get; }

        public bool Nullable { get; }

        protected override void AppendItemBytes(ReadOnlySpan<byte> bytes) => AppendBytes(_items, bytes);

        protected override void AppendItemScalar(ulong bits) => AppendScalar(_items, bits);

        protected override void EndRepeated() => ((ListOfColumn)Column).EndList();

        protected override void Write(ReadOnlySpan<byte> bytes, ulong bits)
        {
            if (Type is ProtoType.Message or ProtoType.Group or ProtoType.String or ProtoType.Bytes)
            {
                AppendBytes(Column, bytes);
            }
            else
            {
                AppendScalar(Column, bits);
            }
        }

        protected override void WriteAbsent()
        {
            if (_presence)
            {
                Column.AppendNull();
            }
            else if (Type is ProtoType.String or ProtoType.Bytes)
            {
                ((BytesColumn)Column).Append(default);
            }
            else
            {
                AppendScalar(Column, 0);
            }
        }

        /// <summary>A length-delimited value: a nested message's fields, or a string's or bytes' bytes.</summary>
        private void AppendBytes(FormatColumn column, ReadOnlySpan<byte> bytes)
        {
            if (_message is not null)
            {
                _message.Read(bytes);
                return;
            }

            CheckUtf8(bytes);
            ((BytesColumn)column).Append(bytes);
        }

        private void AppendScalar(FormatColumn column, ulong bits)
        {
            switch (Type)
            {
                case ProtoType.Int32 or ProtoType.SFixed32:
                    ((FixedColumn<int>)column).Append((int)bits);
                    break;
                case ProtoType.SInt32:
                    ((FixedColumn<int>)column).Append(ZigZag32(bits));
                    break;
                case ProtoType.Int64 or ProtoType.SFixed64:
                    ((FixedColumn<long>)column).Append((long)bits);
                    break;
                case ProtoType.SInt64:
                    ((FixedColumn<long>)column).Append(ZigZag64(bits));
                    break;
                case ProtoType.UInt32 or ProtoType.Fixed32:
                    ((FixedColumn<uint>)column).Append((uint)bits);
                    break;
                case ProtoType.UInt64 or ProtoType.Fixed64:
                    ((FixedColumn<ulong>)column).Append(bits);
                    break;
                case ProtoType.Bool:
                    ((BoolColumn)column).Append(bits != 0);
                    break;
                case ProtoType.Float:
                    ((FixedColumn<float>)column).Append(BitConverter.UInt32BitsToSingle((uint)bits));
                    break;
                case ProtoType.Double:
                    ((FixedColumn<double>)column).Append(BitConverter.UInt64BitsToDouble(bits));
                    break;
                case ProtoType.Enum:
                    // Proto3 enums are open: a number the schema does not name is kept, as its digits.
                    var number = (int)bits;
                    ((BytesColumn)column).Append(bits == 0 ? _enumDefault : _enumNames!.TryGetValue(number, out var name) ? name : Encoding.UTF8.GetBytes(number.ToString(CultureInfo.InvariantCulture)));
                    break;
                default:
                    throw new PayloadFormatException($"field '{Path}': unexpected scalar type {Type}");
            }
        }

        private static FormatColumn ScalarColumn(ProtoType type) => type switch
        {
            ProtoType.Int32 or ProtoType.SInt32 or ProtoType.SFixed32 => new FixedColumn<int>(Int32Type.Default),
            ProtoType.Int64 or ProtoType.SInt64 or ProtoType.SFixed64 => new FixedColumn<long>(Int64Type.Default),
            ProtoType.UInt32 or ProtoType.Fixed32 => new FixedColumn<uint>(UInt32Type.Default),
            ProtoType.UInt64 or ProtoType.Fixed64 => new FixedColumn<ulong>(UInt64Type.Default),
            ProtoType.Bool => new BoolColumn(),
            ProtoType.Float => new FixedColumn<float>(FloatType.Default),
            ProtoType.Double => new FixedColumn<double>(DoubleType.Default),
            ProtoType.String or ProtoType.Enum => new BytesColumn(StringType.Default),
            _ => new BytesColumn(BinaryType.Default),
        };
    }
}
