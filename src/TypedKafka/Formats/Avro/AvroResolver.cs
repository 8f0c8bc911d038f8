using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;
using Avro;
using Newtonsoft.Json.Linq;
using AvroSchema = Avro.Schema;
using Field = Apache.Arrow.Field;

namespace TypedKafka.Formats.Avro;

/// <summary>A writer schema that cannot be read as the reader schema: every row written with it is bad, for this reason.</summary>
internal sealed class AvroResolutionException(string reason) : Exception(reason);

/// <summary>
/// The Arrow columns of a reader schema (Apache.Avro parses it), and the decoding programs that
/// read data of any writer schema into them by Avro's resolution rules: fields matched by name or
/// alias, the reader's missing fields from their defaults, the writer's extra fields skipped,
/// int/long/float promoted, string and bytes interchanged, enum symbols mapped by name, unions
/// resolved branch by branch.
/// </summary>
internal sealed class AvroResolver
{
    private readonly RecordSchema _reader;
    private readonly bool _matchRecordNames;

    /// <param name="reader">The reader schema.</param>
    /// <param name="matchRecordNames">
    /// Whether records resolve only against records of the same name, as Avro's rules say; false for a
    /// typed record's members, whose record names are the C# types' and say nothing of the writer's.
    /// </param>
    public AvroResolver(RecordSchema reader, bool matchRecordNames = true)
    {
        _reader = reader;
        _matchRecordNames = matchRecordNames;
        var fields = new List<Field>(reader.Fields.Count);
        var columns = new FormatColumn[reader.Fields.Count];
        for (var i = 0; i < reader.Fields.Count; i++)
        {
            var field = reader.Fields[i];
            columns[i] = CreateColumn(field.Schema, field.Name, out var nullable);
            fields.Add(new Field(field.Name, columns[i].Type, nullable));
        }

        Fields = fields;
        Columns = columns;
    }

    /// <summary>One Arrow field per top-level field of the reader schema.</summary>
    public IReadOnlyList<Field> Fields { get; }

    public FormatColumn[] Columns { get; }

    /// <summary>The program that reads data written with <paramref name="writer"/> into <see cref="Columns"/>.</summary>
    /// <exception cref="AvroResolutionException">The writer schema cannot be read as the reader's.</exception>
    public AvroNode Resolve(AvroSchema writer)
    {
        if (Unwrap(writer) is not RecordSchema record)
        {
            throw new AvroResolutionException($"the writer schema is a {writer.Tag}, not a record like the reader's '{_reader.Fullname}'");
        }

        return ResolveRecord(record, _reader, target: null, Columns, path: string.Empty);
    }

    /// <summary>An Arrow column for <paramref name="schema"/>; a union of null and one type is that type, nullable.</summary>
    private static FormatColumn CreateColumn(AvroSchema schema, string path, out bool nullable)
    {
        nullable = false;
        if (schema is UnionSchema union)
        {
            var branches = union.Schemas.Where(s => s.Tag != AvroSchema.Type.Null).ToList();
            if (branches.Count != 1)
            {
                throw new NotSupportedException(
                    $"Avro field '{path}' is a union of {branches.Count} non-null types ({string.Join(", ", branches.Select(b => b.Fullname))}); only unions of null and one type are read into Arrow columns.");
            }

            nullable = branches.Count < union.Count;
            schema = branches[0];
        }

        if (schema is LogicalSchema logical)
        {
            switch (logical.LogicalTypeName)
            {
                case "date": return new FixedColumn<int>(Date32Type.Default);
                case "time-millis": return new FixedColumn<int>(new Time32Type(TimeUnit.Millisecond));
                case "time-micros": return new FixedColumn<long>(new Time64Type(TimeUnit.Microsecond));
                case "timestamp-millis": return new FixedColumn<long>(new TimestampType(TimeUnit.Millisecond, "UTC"));
                case "timestamp-micros": return new FixedColumn<long>(new TimestampType(TimeUnit.Microsecond, "UTC"));
                case "local-timestamp-millis": return new FixedColumn<long>(new TimestampType(TimeUnit.Millisecond, (string?)null));
                case "local-timestamp-micros": return new FixedColumn<long>(new TimestampType(TimeUnit.Microsecond, (string?)null));
                case "uuid": return new FixedColumn<Int128>(GuidType.Default);
                case "decimal":
                    var (precision, scale) = DecimalOf(logical, path);
                    return new FixedColumn<Int128>(new Decimal128Type(precision, scale));
                default:
                    // Unknown logical types are read as their base type, as Avro's specification says.
                    return CreateColumn(logical.BaseSchema, path, out _);
            }
        }

        switch (schema)
        {
            case PrimitiveSchema primitive:
                return primitive.Tag switch
                {
                    AvroSchema.Type.Boolean => new BoolColumn(),
                    AvroSchema.Type.Int => new FixedColumn<int>(Int32Type.Default),
                    AvroSchema.Type.Long => new FixedColumn<long>(Int64Type.Default),
                    AvroSchema.Type.Float => new FixedColumn<float>(FloatType.Default),
                    AvroSchema.Type.Double => new FixedColumn<double>(DoubleType.Default),
                    AvroSchema.Type.Bytes => new BytesColumn(BinaryType.Default),
                    AvroSchema.Type.String => new BytesColumn(StringType.Default),
                    _ => throw new NotSupportedException($"Avro field '{path}' is always null; it has no Arrow column."),
                };
            case EnumSchema:
                return new BytesColumn(StringType.Default);
            case FixedSchema fixedSchema:
                return new FixedBinaryColumn(new FixedSizeBinaryType(fixedSchema.Size));
            case ArraySchema array:
            {
                var items = CreateColumn(array.ItemSchema, path + "[]", out var itemsNullable);
                return new ListOfColumn(new ListType(new Field("item", items.Type, itemsNullable)), items);
            }

            case MapSchema map:
            {
                var values = CreateColumn(map.ValueSchema, path + "{}", out var valuesNullable);
                var type = new MapType(new Field("key", StringType.Default, false), new Field("value", values.Type, valuesNullable));
                var entries = new StructOfColumn(type.KeyValueType, [new BytesColumn(StringType.Default), values]);
                return new ListOfColumn(type, entries);
            }

            case RecordSchema record:
            {
                var children = new FormatColumn[record.Fields.Count];
                var fields = new Field[children.Length];
                for (var i = 0; i < children.Length; i++)
                {
                    children[i] = CreateColumn(record.Fields[i].Schema, $"{path}.{record.Fields[i].Name}", out var childNullable);
                    fields[i] = new Field(record.Fields[i].Name, children[i].Type, childNullable);
                }

                return new StructOfColumn(new StructType(fields), children);
            }

            default:
                throw new NotSupportedException($"Avro field '{path}' has type {schema.Tag}, which has no Arrow column.");
        }
    }

    private static (int Precision, int Scale) DecimalOf(LogicalSchema logical, string path)
    {
        var precision = int.Parse(logical.GetProperty("precision") ?? "0", CultureInfo.InvariantCulture);
        var scale = int.Parse(logical.GetProperty("scale") ?? "0", CultureInfo.InvariantCulture);
        if (precision is < 1 or > 38)
        {
            throw new NotSupportedException($"Avro field '{path}' is a decimal of precision {precision}; Arrow's decimal128 holds 1 to 38 digits.");
        }

        return (precision, scale);
    }

    private static AvroSchema Unwrap(AvroSchema schema) => schema is LogicalSchema logical ? logical.BaseSchema : schema;

    private RecordInto ResolveRecord(RecordSchema writer, RecordSchema reader, StructOfColumn? target, FormatColumn[] columns, string path)
    {
        if (_matchRecordNames && !NamesMatch(writer, reader))
        {
            throw new AvroResolutionException($"{Where(path)}the writer's record '{writer.Fullname}' is not the reader's '{reader.Fullname}'");
        }

        var steps = new List<AvroNode>(writer.Fields.Count);
        var read = new bool[reader.Fields.Count];
        foreach (var writerField in writer.Fields)
        {
            var readerField = FindField(reader, writerField);
            if (readerField is null)
            {
                steps.Add(Skipper(writerField.Schema));
                continue;
            }

            read[readerField.Pos] = true;
            steps.Add(Resolve(writerField.Schema, readerField.Schema, columns[readerField.Pos], Join(path, readerField.Name)));
        }

        for (var i = 0; i < reader.Fields.Count; i++)
        {
            if (!read[i])
            {
                var field = reader.Fields[i];
                if (field.DefaultValue is null)
                {
                    throw new AvroResolutionException($"the reader's field '{Join(path, field.Name)}' is not in the writer schema and has no default");
                }

                var program = Resolve(field.Schema, field.Schema, columns[i], Join(path, field.Name));
                steps.Add(new DefaultInto(program, AvroDefaults.Encode(field.Schema, field.DefaultValue, Join(path, field.Name))));
            }
        }

        return new RecordInto(target, [.. steps]);
    }

    private static global::Avro.Field? FindField(RecordSchema reader, global::Avro.Field writerField)
    {
        if (reader.TryGetField(writerField.Name, out var field))
        {
            return field;
        }

        // A reader field may name the writer's field among its aliases (a rename).
        return reader.Fields.FirstOrDefault(f => f.Aliases?.Contains(writerField.Name, StringComparer.Ordinal) == true);
    }

    private AvroNode Resolve(AvroSchema writer, AvroSchema reader, FormatColumn column, string path)
    {
        if (writer is UnionSchema writerUnion)
        {
            var branches = new AvroNode[writerUnion.Count];
            for (var i = 0; i < branches.Length; i++)
            {
                try
                {
                    branches[i] = Resolve(writerUnion.Schemas[i], reader, column, path);
                }
                catch (AvroResolutionException e)
                {
                    branches[i] = new Unreadable(e.Message);
                }
            }

            return new UnionFrom(branches, path);
        }

        if (reader is UnionSchema readerUnion)
        {
            if (writer.Tag == AvroSchema.Type.Null)
            {
                return readerUnion.Schemas.Any(s => s.Tag == AvroSchema.Type.Null)
                    ? new NullInto(column)
                    : throw new AvroResolutionException($"{Where(path)}the writer's null has no branch in the reader's union");
            }

            reader = readerUnion.Schemas.First(s => s.Tag != AvroSchema.Type.Null);
        }

        if (writer.Tag == AvroSchema.Type.Null)
        {
            throw new AvroResolutionException($"{Where(path)}the writer writes null, and the reader's {reader.Tag} is not nullable");
        }

        var readerLogical = reader as LogicalSchema;
        var readerBase = Unwrap(reader);
        var writerBase = Unwrap(writer);
        if (readerLogical is { LogicalTypeName: "decimal" })
        {
            return ResolveDecimal(writer, readerLogical, (FixedColumn<Int128>)column, path);
        }

        if (readerLogical is { LogicalTypeName: "timestamp-micros" or "local-timestamp-micros" }
            && writer is LogicalSchema { LogicalTypeName: "timestamp-millis" or "local-timestamp-millis" })
        {
            // Both are longs to Avro's resolution, but read as they are, milliseconds would land as microseconds.
            return new MillisecondsToMicrosecondsInto((FixedColumn<long>)column, path);
        }

        if (readerLogical is { LogicalTypeName: "uuid" } && writerBase.Tag is AvroSchema.Type.String or AvroSchema.Type.Bytes)
        {
            return new UuidInto((FixedColumn<Int128>)column, path);
        }

        switch (readerBase.Tag)
        {
            case AvroSchema.Type.Boolean when writerBase.Tag == AvroSchema.Type.Boolean:
                return new BooleanInto((BoolColumn)column);
            case AvroSchema.Type.Int when writerBase.Tag == AvroSchema.Type.Int:
                return new NumberInto<int>((FixedColumn<int>)column, AvroNumber.Int);
            case AvroSchema.Type.Long when Number(writerBase.Tag) is AvroNumber.Int or AvroNumber.Long:
                return new NumberInto<long>((FixedColumn<long>)column, Number(writerBase.Tag)!.Value);
            case AvroSchema.Type.Float when Number(writerBase.Tag) is AvroNumber.Int or AvroNumber.Long or AvroNumber.Float:
                return new NumberInto<float>((FixedColumn<float>)column, Number(writerBase.Tag)!.Value);
            case AvroSchema.Type.Double when Number(writerBase.Tag) is { } number:
                return new NumberInto<double>((FixedColumn<double>)column, number);
            case AvroSchema.Type.String when writerBase.Tag is AvroSchema.Type.String or AvroSchema.Type.Bytes:
                return new StringInto((BytesColumn)column, path);
            case AvroSchema.Type.Bytes when writerBase.Tag is AvroSchema.Type.String or AvroSchema.Type.Bytes:
                return new BytesInto((BytesColumn)column);
            case AvroSchema.Type.Fixed when writerBase is FixedSchema writerFixed && readerBase is FixedSchema readerFixed
                                             && writerFixed.Size == readerFixed.Size && NamesMatch(writerFixed, readerFixed):
                return new FixedInto((FixedBinaryColumn)column, readerFixed.Size);
            case AvroSchema.Type.Enumeration when writerBase is EnumSchema writerEnum && NamesMatch(writerEnum, (EnumSchema)readerBase):
                return ResolveEnum(writerEnum, (EnumSchema)readerBase, (BytesColumn)column, path);
            case AvroSchema.Type.Array when writerBase is ArraySchema writerArray:
            {
                var list = (ListOfColumn)column;
                return new ArrayInto(list, Resolve(writerArray.ItemSchema, ((ArraySchema)readerBase).ItemSchema, list.Items, path + "[]"));
            }

            case AvroSchema.Type.Map when writerBase is MapSchema writerMap:
            {
                var map = (ListOfColumn)column;
                var entries = (StructOfColumn)map.Items;
                var values = Resolve(writerMap.ValueSchema, ((MapSchema)readerBase).ValueSchema, entries.Children[1], path + "{}");
                return new MapInto(map, entries, (BytesColumn)entries.Children[0], values, path);
            }

            case AvroSchema.Type.Record when writerBase is RecordSchema writerRecord:
            {
                var target = (StructOfColumn)column;
                return ResolveRecord(writerRecord, (RecordSchema)readerBase, target, target.Children, path);
            }

            default:
                throw new AvroResolutionException($"{Where(path)}the writer's {Describe(writer)} cannot be read as the reader's {Describe(reader)}");
        }
    }

    private static DecimalInto ResolveDecimal(AvroSchema writer, LogicalSchema reader, FixedColumn<Int128> column, string path)
    {
        var (precision, scale) = DecimalOf(reader, path);
        if (writer is LogicalSchema { LogicalTypeName: "decimal" } writerDecimal)
        {
            var (writerPrecision, writerScale) = DecimalOf(writerDecimal, path);
            if (writerScale != scale || writerPrecision > precision)
            {
                throw new AvroResolutionException($"{Where(path)}the writer's decimal({writerPrecision}, {writerScale}) cannot be read as the reader's decimal({precision}, {scale})");
            }

            return new DecimalInto(column, writerDecimal.BaseSchema is FixedSchema f ? f.Size : 0, precision, path);
        }

        throw new AvroResolutionException($"{Where(path)}the writer's {Describe(writer)} cannot be read as the reader's decimal({precision}, {scale})");
    }

    private static EnumInto ResolveEnum(EnumSchema writer, EnumSchema reader, BytesColumn column, string path)
    {
        var symbols = new byte[]?[writer.Symbols.Count];
        for (var i = 0; i < symbols.Length; i++)
        {
            var symbol = writer.Symbols[i];
            if (!reader.Contains(symbol))
            {
                // The reader's default stands in for symbols it does not know (Avro 1.9 and later).
                symbol = reader.Default;
            }

            symbols[i] = symbol is null ? null : Encoding.UTF8.GetBytes(symbol);
        }

        return new EnumInto(column, symbols, [.. writer.Symbols], path);
    }

    /// <summary>Skips a value of <paramref name="writer"/>'s schema, for a field the reader does not have.</summary>
    private static AvroNode Skipper(AvroSchema writer)
    {
        writer = Unwrap(writer);
        return writer switch
        {
            UnionSchema union => new UnionFrom([.. union.Schemas.Select(Skipper)], "(skipped)"),
            RecordSchema record => new RecordInto(null, [.. record.Fields.Select(f => Skipper(f.Schema))]),
            ArraySchema array => new SkipBlocks(Skipper(array.ItemSchema), keyed: false),
            MapSchema map => new SkipBlocks(Skipper(map.ValueSchema), keyed: true),
            FixedSchema fixedSchema => new SkipBytes(fixedSchema.Size),
            EnumSchema => SkipVarint.Instance,
            _ => writer.Tag switch
            {
                AvroSchema.Type.Null => SkipNothing.Instance,
                AvroSchema.Type.Boolean => new SkipBytes(1),
                AvroSchema.Type.Int or AvroSchema.Type.Long => SkipVarint.Instance,
                AvroSchema.Type.Float => new SkipBytes(4),
                AvroSchema.Type.Double => new SkipBytes(8),
                _ => new SkipBytes(-1),
            },
        };
    }

    private static AvroNumber? Number(AvroSchema.Type tag) => tag switch
    {
        AvroSchema.Type.Int => AvroNumber.Int,
        AvroSchema.Type.Long => AvroNumber.Long,
        AvroSchema.Type.Float => AvroNumber.Float,
        AvroSchema.Type.Double => AvroNumber.Double,
        _ => null,
    };

    /// <summary>Named types match by unqualified name, as the specification says.</summary>
    private static bool NamesMatch(NamedSchema writer, NamedSchema reader) =>
        writer.Name == reader.Name || writer.Fullname == reader.Fullname;

    private static string Describe(AvroSchema schema) => schema switch
    {
        LogicalSchema logical => $"{logical.LogicalTypeName} ({logical.BaseSchema.Tag.ToString().ToLowerInvariant()})",
        NamedSchema named => $"{named.Tag.ToString().ToLowerInvariant()} '{named.Fullname}'",
        _ => schema.Tag.ToString().ToLowerInvariant(),
    };

    private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string Where(string path) => path.Length == 0 ? string.Empty : $"field '{path}': ";
}
