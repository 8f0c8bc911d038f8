using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Types;
using TypedKafka.Columns;

namespace TypedKafka.Formats.Avro;

/// <summary>
/// The Avro reader schema of a [KafkaMessage(Format = KafkaFormat.Avro)] type, written from its
/// generated columns: one field per member (header members left out), under the member's payload
/// name, of the Avro type whose Arrow column is the member's; nullable members as a union with null
/// and a null default, so that a writer without the field gives null. Avro's resolution of any
/// writer schema against it then matches fields by name, and the decoded columns have the member
/// columns' Arrow types.
/// </summary>
internal static class MemberSchema
{
    /// <exception cref="NotSupportedException">A member's type has no Avro counterpart; the message names it.</exception>
    public static string For(MessageColumns columns, string typeName)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            WriteRecord(writer, columns, typeName, typeName, names);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The indexes of the members that are Avro fields (not headers), in order.</summary>
    public static int[] ValueMembers(MessageColumns columns)
    {
        var payload = columns.PayloadNames;
        return [.. Enumerable.Range(0, columns.Fields.Count).Where(i => payload is null || payload[i] is not null)];
    }

    private static void WriteRecord(Utf8JsonWriter writer, MessageColumns columns, string recordName, string path, HashSet<string> names)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "record");
        writer.WriteString("name", Unique(AvroName(recordName), names));
        writer.WriteStartArray("fields");
        var payload = columns.PayloadNames;
        foreach (var i in ValueMembers(columns))
        {
            var name = payload?[i] ?? columns.Fields[i].Name;
            var column = columns.Columns[i];
            var memberPath = path + "." + columns.Fields[i].Name;
            writer.WriteStartObject();
            writer.WriteString("name", name);
            writer.WritePropertyName("type");
            WriteType(writer, column, memberPath, names);
            if (column.IsNullable)
            {
                writer.WriteNull("default");
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteType(Utf8JsonWriter writer, ArrowColumn column, string path, HashSet<string> names)
    {
        if (column.IsNullable)
        {
            writer.WriteStartArray();
            writer.WriteStringValue("null");
        }

        switch (column)
        {
            case EnumColumn enumColumn:
                WriteEnum(writer, enumColumn.Members, path, names);
                break;
            case StructColumn structColumn:
                WriteRecord(writer, structColumn.Members, structColumn.Members.GetType().DeclaringType?.Name ?? "Record", path, names);
                break;
            case IListColumn list:
                writer.WriteStartObject();
                writer.WriteString("type", "array");
                writer.WritePropertyName("items");
                WriteType(writer, list.Items, path + "[]", names);
                writer.WriteEndObject();
                break;
            default:
                WriteScalar(writer, column.Type, path);
                break;
        }

        if (column.IsNullable)
        {
            writer.WriteEndArray();
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, IArrowType type, string path)
    {
        switch (type)
        {
            case StringType: writer.WriteStringValue("string"); return;
            case BinaryType: writer.WriteStringValue("bytes"); return;
            case BooleanType: writer.WriteStringValue("boolean"); return;
            case Int32Type: writer.WriteStringValue("int"); return;
            case Int64Type: writer.WriteStringValue("long"); return;
            case FloatType: writer.WriteStringValue("float"); return;
            case DoubleType: writer.WriteStringValue("double"); return;
            case TimestampType { Unit: TimeUnit.Microsecond }: Logical(writer, "long", "timestamp-micros"); return;
            case Date32Type: Logical(writer, "int", "date"); return;
            case GuidType: Logical(writer, "string", "uuid"); return;
        }

        // The generator refuses these for the type itself (TK1009); a nested type is only seen here.
        throw new NotSupportedException($"Member '{path}' has the Arrow type {type}, which no Avro type is read into; use string, bool, int, long, float, double, byte[], DateTime(Offset), DateOnly, Guid, enums, lists or [KafkaMessage] types.");
    }

    private static void Logical(Utf8JsonWriter writer, string type, string logicalType)
    {
        writer.WriteStartObject();
        writer.WriteString("type", type);
        writer.WriteString("logicalType", logicalType);
        writer.WriteEndObject();
    }

    /// <summary>An enum by the C# enum's name, which Avro's resolution matches with the writer's enum name.</summary>
    private static void WriteEnum(Utf8JsonWriter writer, EnumMembers members, string path, HashSet<string> names)
    {
        if (!names.Add(members.EnumName))
        {
            // Defined once already in this schema: Avro refers to it by name.
            writer.WriteStringValue(members.EnumName);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("type", "enum");
        writer.WriteString("name", members.EnumName);
        writer.WriteStartArray("symbols");
        for (var i = 0; i < members.Count; i++)
        {
            var symbol = Encoding.UTF8.GetString(members.Utf8Name(i));
            if (!IsAvroName(symbol))
            {
                throw new NotSupportedException($"Member '{path}': enum {members.EnumName}'s name '{symbol}' is not an Avro symbol ([A-Za-z_][A-Za-z0-9_]*).");
            }

            writer.WriteStringValue(symbol);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static string Unique(string name, HashSet<string> names)
    {
        var candidate = name;
        for (var i = 2; !names.Add(candidate); i++)
        {
            candidate = name + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return candidate;
    }

    private static string AvroName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_').ToArray();
        return chars.Length == 0 || char.IsAsciiDigit(chars[0]) ? "_" + new string(chars) : new string(chars);
    }

    private static bool IsAvroName(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
