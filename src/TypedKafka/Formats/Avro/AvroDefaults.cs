using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Avro;
using Newtonsoft.Json.Linq;
using AvroSchema = Avro.Schema;

namespace TypedKafka.Formats.Avro;

/// <summary>
/// A field default (JSON, as the schema gives it) encoded once in Avro binary, so that the reader's
/// own decoding program appends it to the columns: defaults then take exactly the path real values do.
/// </summary>
internal static class AvroDefaults
{
    public static byte[] Encode(AvroSchema schema, JToken value, string path)
    {
        using var output = new MemoryStream();
        try
        {
            Write(output, schema, value);
        }
        catch (Exception e) when (e is InvalidCastException or FormatException or OverflowException or ArgumentException)
        {
            throw new AvroResolutionException($"the default of the reader's field '{path}' does not fit its schema: {e.Message}");
        }

        return output.ToArray();
    }

    private static void Write(Stream output, AvroSchema schema, JToken value)
    {
        switch (schema)
        {
            case UnionSchema union:
                // A union's default is a value of its first branch.
                WriteLong(output, 0);
                Write(output, union.Schemas[0], value);
                return;
            case LogicalSchema logical:
                Write(output, logical.BaseSchema, value);
                return;
            case EnumSchema enumSchema:
                WriteLong(output, enumSchema.Ordinal(value.Value<string>()!));
                return;
            case FixedSchema:
                output.Write(Latin1(value));
                return;
            case ArraySchema array:
                var items = (JArray)value;
                if (items.Count > 0)
                {
                    WriteLong(output, items.Count);
                    foreach (var item in items)
                    {
                        Write(output, array.ItemSchema, item);
                    }
                }

                WriteLong(output, 0);
                return;
            case MapSchema map:
                var entries = (JObject)value;
                if (entries.Count > 0)
                {
                    WriteLong(output, entries.Count);
                    foreach (var (key, item) in entries)
                    {
                        WriteBytes(output, Encoding.UTF8.GetBytes(key));
                        Write(output, map.ValueSchema, item!);
                    }
                }

                WriteLong(output, 0);
                return;
            case RecordSchema record:
                var fields = (JObject)value;
                foreach (var field in record.Fields)
                {
                    var fieldValue = fields[field.Name] ?? field.DefaultValue
                        ?? throw new ArgumentException($"field '{field.Name}' has neither a value nor a default");
                    Write(output, field.Schema, fieldValue);
                }

                return;
        }

        Span<byte> scratch = stackalloc byte[8];
        switch (schema.Tag)
        {
            case AvroSchema.Type.Null:
                return;
            case AvroSchema.Type.Boolean:
                output.WriteByte(value.Value<bool>() ? (byte)1 : (byte)0);
                return;
            case AvroSchema.Type.Int:
            case AvroSchema.Type.Long:
                WriteLong(output, value.Value<long>());
                return;
            case AvroSchema.Type.Float:
                BinaryPrimitives.WriteSingleLittleEndian(scratch, value.Value<float>());
                output.Write(scratch[..4]);
                return;
            case AvroSchema.Type.Double:
                BinaryPrimitives.WriteDoubleLittleEndian(scratch, value.Value<double>());
                output.Write(scratch);
                return;
            case AvroSchema.Type.String:
                WriteBytes(output, Encoding.UTF8.GetBytes(value.Value<string>()!));
                return;
            case AvroSchema.Type.Bytes:
                WriteBytes(output, Latin1(value));
                return;
            default:
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"no default for type {schema.Tag}"));
        }
    }

    // JSON defaults of bytes and fixed are strings whose code points 0-255 are the bytes.
    private static byte[] Latin1(JToken value) => Encoding.Latin1.GetBytes(value.Value<string>()!);

    private static void WriteBytes(Stream output, byte[] bytes)
    {
        WriteLong(output, bytes.Length);
        output.Write(bytes);
    }

    private static void WriteLong(Stream output, long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        while (zigzag >= 0x80)
        {
            output.WriteByte((byte)(zigzag | 0x80));
            zigzag >>= 7;
        }

        output.WriteByte((byte)zigzag);
    }
}
