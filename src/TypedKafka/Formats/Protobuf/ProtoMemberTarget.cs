using Apache.Arrow.Types;
using TypedKafka.Columns;

namespace TypedKafka.Formats.Protobuf;

/// <summary>What a member's column holds, as far as reading Protobuf into it goes.</summary>
internal enum MemberKind
{
    Int32,
    Int64,
    UInt32,
    UInt64,
    Float,
    Double,
    Bool,
    String,
    Bytes,
    Enum,
    List,
    Struct,
}

/// <summary>
/// One member of a [KafkaMessage(Format = KafkaFormat.Protobuf)] type (or of a nested one, or a
/// list's items): the column of the member's own Arrow type that Protobuf values are decoded into,
/// and what a writer's field must be to fill it. The tree is built once per consumer from the
/// generated columns; each writer schema is then bound to it by field name.
/// </summary>
internal sealed class ProtoMemberTarget
{
    private ProtoMemberTarget(string path, string payloadName, bool nullable, MemberKind kind, FormatColumn column)
    {
        Path = path;
        PayloadName = payloadName;
        Nullable = nullable;
        Kind = kind;
        Column = column;
    }

    /// <summary>The member's column name, dotted from the record (<c>address.zip</c>), for reasons.</summary>
    public string Path { get; }

    /// <summary>The field name the member is matched with (its JSON name: the naming policy's, or [KafkaField]'s).</summary>
    public string PayloadName { get; }

    public bool Nullable { get; }

    public MemberKind Kind { get; }

    public FormatColumn Column { get; }

    /// <summary>A list's items.</summary>
    public ProtoMemberTarget? Item { get; private init; }

    /// <summary>A nested [KafkaMessage] type's members.</summary>
    public ProtoMemberTarget[]? Members { get; private init; }

    /// <summary>An enum member's names.</summary>
    public EnumMembers? Enum { get; private init; }

    /// <summary>The targets of <paramref name="columns"/>' members, in declaration order.</summary>
    /// <exception cref="NotSupportedException">A member's type has no Protobuf counterpart; the message names it.</exception>
    public static ProtoMemberTarget[] For(MessageColumns columns, string path)
    {
        if (columns.ReadsHeaders)
        {
            // The generator refuses header members of Protobuf types (TK1009); a nested type is only seen here.
            throw new NotSupportedException($"Member '{path}' reads members from headers, which a Protobuf record's members cannot.");
        }

        var payload = columns.PayloadNames;
        var targets = new ProtoMemberTarget[columns.Fields.Count];
        for (var i = 0; i < targets.Length; i++)
        {
            var name = columns.Fields[i].Name;
            targets[i] = Create(columns.Columns[i], path.Length == 0 ? name : path + "." + name, payload?[i] ?? name);
        }

        return targets;
    }

    private static ProtoMemberTarget Create(ArrowColumn column, string path, string payloadName)
    {
        var nullable = column.IsNullable;
        switch (column)
        {
            case EnumColumn enumColumn:
                return new(path, payloadName, nullable, MemberKind.Enum, new BytesColumn(StringType.Default)) { Enum = enumColumn.Members };
            case StructColumn structColumn:
            {
                var members = For(structColumn.Members, path);
                var type = (StructType)column.Type;
                return new(path, payloadName, nullable, MemberKind.Struct, new StructOfColumn(type, [.. members.Select(m => m.Column)])) { Members = members };
            }

            case IListColumn list:
            {
                var item = Create(list.Items, path + "[]", payloadName);
                return new(path, payloadName, nullable, MemberKind.List, new ListOfColumn(column.Type, item.Column)) { Item = item };
            }
        }

        var (kind, target) = column.Type switch
        {
            Int32Type => (MemberKind.Int32, (FormatColumn)new FixedColumn<int>(Int32Type.Default)),
            Int64Type => (MemberKind.Int64, new FixedColumn<long>(Int64Type.Default)),
            UInt32Type => (MemberKind.UInt32, new FixedColumn<uint>(UInt32Type.Default)),
            UInt64Type => (MemberKind.UInt64, new FixedColumn<ulong>(UInt64Type.Default)),
            FloatType => (MemberKind.Float, new FixedColumn<float>(FloatType.Default)),
            DoubleType => (MemberKind.Double, new FixedColumn<double>(DoubleType.Default)),
            BooleanType => (MemberKind.Bool, new BoolColumn()),
            StringType => (MemberKind.String, new BytesColumn(StringType.Default)),
            BinaryType => (MemberKind.Bytes, new BytesColumn(BinaryType.Default)),

            // The generator refuses these for the type itself (TK1009); a nested type is only seen here.
            _ => throw new NotSupportedException(
                $"Member '{path}' has the Arrow type {column.Type}, which no Protobuf type is read into; use string, bool, int, long, uint, ulong, float, double, byte[], enums, lists or [KafkaMessage] types."),
        };
        return new(path, payloadName, nullable, kind, target);
    }
}
