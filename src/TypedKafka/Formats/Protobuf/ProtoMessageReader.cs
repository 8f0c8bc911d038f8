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
        foreach (var field in _fields)
        {
            field.IsSet = false;
        }

        var input = new ProtoWire(data);
        while (!input.AtEnd)
        {
            var tag = input.ReadVarint();
            var number = (int)(tag >> 3);
            var wireType = (int)(tag & 7);
            if (!_byNumber.TryGetValue(number, out var field))
            {
                input.Skip(wireType, number);
                continue;
            }

            field.Take(ref input, wireType);
        }

        foreach (var field in _fields)
        {
            field.Flush(data);
        }

        _target?.EndStruct();
    }

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    /// <summary>One field: its column, how it is read, and (singular fields) where its last occurrence is in the message.</summary>
    private sealed class ProtoField
    {
        private readonly ProtoType _type;
        private readonly bool _repeated;
        private readonly bool _presence;
        private readonly string _path;
        private readonly ProtoMessageReader? _message;
        private readonly Dictionary<int, byte[]>? _enumNames;
        private readonly byte[]? _enumDefault;
        private readonly FormatColumn _items;
        private ulong _bits;
        private int _start;
        private int _length;

        public ProtoField(FieldDescriptor field, string path, HashSet<string> open)
        {
            Number = field.FieldNumber;
            Name = field.Name;
            _type = field.FieldType;
            _repeated = field.IsRepeated;
            _presence = !field.IsRepeated && field.HasPresence;
            _path = path;
            if (_type == ProtoType.Enum)
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

            if (_type is ProtoType.Message or ProtoType.Group)
            {
                _message = new ProtoMessageReader(field.MessageType, asStruct: true, path, open);
                _items = _message.Struct;
            }
            else
            {
                _items = ScalarColumn(_type);
            }

            Column = _repeated ? new ListOfColumn(new ListType(new Field("item", _items.Type, false)), _items) : _items;
            Nullable = _presence;
        }

        public int Number { get; }

        public string Name { get; }

        public FormatColumn Column { get; }

        public bool Nullable { get; }

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
                // Where the value lies in this message's bytes: read at the message's end, when every field is known.
                (_start, _length) = input.ReadLengthDelimitedRange();
            }
            else
            {
                _bits = input.ReadValue(wireType, _path);
            }
        }

        public void Flush(ReadOnlySpan<byte> data)
        {
            if (_repeated)
            {
                ((ListOfColumn)Column).EndList();
                return;
            }

            if (!IsSet)
            {
                if (_presence)
                {
                    Column.AppendNull();
                }
                else if (_type is ProtoType.String or ProtoType.Bytes)
                {
                    ((BytesColumn)Column).Append(default);
                }
                else
                {
                    AppendScalar(Column, 0);
                }

                return;
            }

            if (_type is ProtoType.Message or ProtoType.Group)
            {
                _message!.Read(data.Slice(_start, _length));
            }
            else if (_type is ProtoType.String or ProtoType.Bytes)
            {
                AppendBytes(Column, data.Slice(_start, _length));
            }
            else
            {
                AppendScalar(Column, _bits);
            }
        }

        private void AppendBytes(FormatColumn column, ReadOnlySpan<byte> bytes)
        {
            if (_type == ProtoType.String && !System.Text.Unicode.Utf8.IsValid(bytes))
            {
                throw new PayloadFormatException($"field '{_path}': the string is not valid UTF-8");
            }

            ((BytesColumn)column).Append(bytes);
        }

        private void AppendScalar(FormatColumn column, ulong bits)
        {
            switch (_type)
            {
                case ProtoType.Int32 or ProtoType.SFixed32:
                    ((FixedColumn<int>)column).Append((int)bits);
                    break;
                case ProtoType.SInt32:
                    ((FixedColumn<int>)column).Append((int)((uint)bits >> 1) ^ -(int)(bits & 1));
                    break;
                case ProtoType.Int64 or ProtoType.SFixed64:
                    ((FixedColumn<long>)column).Append((long)bits);
                    break;
                case ProtoType.SInt64:
                    ((FixedColumn<long>)column).Append((long)(bits >> 1) ^ -(long)(bits & 1));
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
                    throw new PayloadFormatException($"field '{_path}': unexpected scalar type {_type}");
            }
        }

        private void CheckWireType(int wireType)
        {
            var expected = _message is not null || _type is ProtoType.String or ProtoType.Bytes ? ProtoWire.LengthDelimited : WireTypeOf(_type);
            if (wireType != expected)
            {
                throw new PayloadFormatException($"field '{_path}' (number {Number}) has wire type {wireType}, not the {expected} of its type {_type}");
            }
        }

        private static int WireTypeOf(ProtoType type) => type switch
        {
            ProtoType.Fixed64 or ProtoType.SFixed64 or ProtoType.Double => ProtoWire.Fixed64,
            ProtoType.Fixed32 or ProtoType.SFixed32 or ProtoType.Float => ProtoWire.Fixed32,
            ProtoType.String or ProtoType.Bytes or ProtoType.Message => ProtoWire.LengthDelimited,
            _ => ProtoWire.Varint,
        };

        private static bool IsPackable(ProtoType type) => type is not (ProtoType.String or ProtoType.Bytes or ProtoType.Message or ProtoType.Group);

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
