using System.Text;
using Apache.Arrow;
using Google.Protobuf;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests.Formats;

/// <summary>
/// Protobuf values framed as Confluent's serializer frames them (its serde package is not served
/// here): a zero magic byte, the schema id (4 bytes, big-endian), the message indexes (a zig-zag
/// varint count, then the indexes; a single 0 for the file's first message), then the message as
/// Google.Protobuf's CodedOutputStream writes it.
/// </summary>
public sealed class ProtobufFormatTests : IDisposable
{
    private const string OrderProto = """
        syntax = "proto3";
        package shop;

        message Order {
          int64 id = 1;
          string customer = 2;
          double amount = 3;
          repeated string tags = 4;
          Address address = 5;
          map<string, int64> attrs = 6;
          Status status = 7;
          sint32 delta = 8;
          bool paid = 9;
          optional string note = 10;
          repeated int32 counts = 11;
          bytes blob = 12;
          uint64 big = 13;
          float ratio = 14;

          message Address { string city = 1; }
          enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }
        }

        message Other { string x = 1; }
        """;

    private readonly FormatHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Every_field_kind_lands_in_its_arrow_column_and_absent_fields_take_proto3_defaults()
    {
        var topic = _harness.Kafka.NewTopic("proto-every-kind", 1);
        var id = RegisterProto(topic + "-value", OrderProto);
        var full = Message(output =>
        {
            // Fields out of number order, as protobuf allows: columns still come in declaration order.
            output.WriteTag(5, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Message(a => { a.WriteTag(1, WireFormat.WireType.LengthDelimited); a.WriteString("Oslo"); }));
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(42);
            output.WriteTag(2, WireFormat.WireType.LengthDelimited);
            output.WriteString("ada");
            output.WriteTag(3, WireFormat.WireType.Fixed64);
            output.WriteDouble(9.75);
            output.WriteTag(4, WireFormat.WireType.LengthDelimited);
            output.WriteString("a");
            output.WriteTag(4, WireFormat.WireType.LengthDelimited);
            output.WriteString("b");
            output.WriteTag(6, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Message(e =>
            {
                e.WriteTag(1, WireFormat.WireType.LengthDelimited);
                e.WriteString("x");
                e.WriteTag(2, WireFormat.WireType.Varint);
                e.WriteInt64(7);
            }));
            output.WriteTag(7, WireFormat.WireType.Varint);
            output.WriteEnum(2);
            output.WriteTag(8, WireFormat.WireType.Varint);
            output.WriteSInt32(-5);
            output.WriteTag(9, WireFormat.WireType.Varint);
            output.WriteBool(true);
            output.WriteTag(10, WireFormat.WireType.LengthDelimited);
            output.WriteString("hi");
            output.WriteTag(11, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(Message(p => { p.WriteInt32(1); p.WriteInt32(2); p.WriteInt32(300); }));
            output.WriteTag(12, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(ByteString.CopyFrom(1, 2));
            output.WriteTag(13, WireFormat.WireType.Varint);
            output.WriteUInt64(ulong.MaxValue);
            output.WriteTag(14, WireFormat.WireType.Fixed32);
            output.WriteFloat(0.25f);
        });
        _harness.Kafka.Produce(topic, [new LocalMessage(0, 1000, null, Frame(id, [0], full)), new LocalMessage(0, 2000, null, Frame(id, [], ByteString.Empty))]);

        using var manager = _harness.Consumer(topic, ValueFormat.Protobuf(_harness.Registry));
        using var batch = Assert.Single(FormatHarness.ReadAll(manager));
        Assert.Equal(
            ["id", "customer", "amount", "tags", "address", "attrs", "status", "delta", "paid", "note", "counts", "blob", "big", "ratio"],
            batch.Schema.FieldsList.Skip(5).Take(14).Select(f => f.Name));
        Assert.Equal([42L, 0L], ((Int64Array)batch.Column("id")).Values.ToArray());
        Assert.Equal(["ada", ""], Strings((StringArray)batch.Column("customer")));
        Assert.Equal([9.75, 0.0], ((DoubleArray)batch.Column("amount")).Values.ToArray());
        var tags = (ListArray)batch.Column("tags");
        Assert.Equal(["a", "b"], Strings((StringArray)tags.GetSlicedValues(0)));
        Assert.Equal(0, tags.GetSlicedValues(1).Length);
        var address = (StructArray)batch.Column("address");
        Assert.Equal("Oslo", ((StringArray)address.Fields[0]).GetString(0));
        Assert.True(address.IsNull(1));
        var attrs = (StructArray)((MapArray)batch.Column("attrs")).GetSlicedValues(0);
        Assert.Equal(("x", 7L), (((StringArray)attrs.Fields[0]).GetString(0), ((Int64Array)attrs.Fields[1]).GetValue(0)!.Value));
        Assert.Equal(["SHIPPED", "NEW"], Strings((StringArray)batch.Column("status")));
        Assert.Equal([-5, 0], ((Int32Array)batch.Column("delta")).Values.ToArray());
        Assert.True(((BooleanArray)batch.Column("paid")).GetValue(0));
        var notes = (StringArray)batch.Column("note");
        Assert.Equal("hi", notes.GetString(0));
        Assert.True(notes.IsNull(1));
        Assert.Equal([1, 2, 300], ((Int32Array)((ListArray)batch.Column("counts")).GetSlicedValues(0)).Values.ToArray());
        Assert.Equal([1, 2], ((BinaryArray)batch.Column("blob")).GetBytes(0).ToArray());
        Assert.Equal(ulong.MaxValue, ((UInt64Array)batch.Column("big")).GetValue(0));
        Assert.Equal(0.25f, ((FloatArray)batch.Column("ratio")).GetValue(0));
        Assert.Equal(0, manager.BadPayloadCount);
    }

    [Fact]
    public void A_newer_writer_with_added_fields_is_read_by_number_and_wrong_messages_are_bad_rows()
    {
        var topic = _harness.Kafka.NewTopic("proto-evolution", 1);
        var readerId = RegisterProto(topic + "-value", OrderProto);
        var writerId = RegisterProto("proto-writer", OrderProto.Replace("float ratio = 14;", "float ratio = 14;\n  string added = 99;", StringComparison.Ordinal));
        var newer = Message(output =>
        {
            output.WriteTag(99, WireFormat.WireType.LengthDelimited);
            output.WriteString("from a newer schema");
            output.WriteTag(1, WireFormat.WireType.Varint);
            output.WriteInt64(7);
        });
        var other = Message(output => { output.WriteTag(1, WireFormat.WireType.LengthDelimited); output.WriteString("other"); });
        _harness.Kafka.Produce(topic, [
            new LocalMessage(0, 1000, null, Frame(writerId, [0], newer)),
            new LocalMessage(0, 2000, null, Frame(readerId, [1], other)),
            new LocalMessage(0, 3000, null, Frame(4242, [0], newer)),
            new LocalMessage(0, 4000, null, Encoding.UTF8.GetBytes("{\"id\":1}")),
        ]);

        using var manager = _harness.Consumer(topic, ValueFormat.Protobuf(_harness.Registry));
        var batches = FormatHarness.ReadAll(manager);
        try
        {
            var ids = batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((Int64Array)b.Column("id")).GetValue(i))).ToList();
            var errors = batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((StringArray)b.Column("_error")).GetString(i))).ToList();
            Assert.Equal([7L, null, null, null], ids);
            Assert.Null(errors[0]);
            Assert.Contains($"schema id {readerId} writes message 'shop.Other', not the reader's 'shop.Order'", errors[1], StringComparison.Ordinal);
            Assert.Contains("schema id 4242 is not in the schema registry", errors[2], StringComparison.Ordinal);
            Assert.Contains("magic byte", errors[3], StringComparison.Ordinal);
            Assert.Equal(3, manager.BadPayloadCount);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void A_message_name_picks_another_message_of_the_file()
    {
        var topic = _harness.Kafka.NewTopic("proto-named", 1);
        var id = RegisterProto(topic + "-value", OrderProto);
        var other = Message(output => { output.WriteTag(1, WireFormat.WireType.LengthDelimited); output.WriteString("picked"); });
        _harness.Kafka.Produce(topic, [new LocalMessage(0, 1000, null, Frame(id, [1], other))]);

        using var manager = _harness.Consumer(topic, ValueFormat.Protobuf(_harness.Registry, messageName: "Other"));
        using var batch = Assert.Single(FormatHarness.ReadAll(manager));
        Assert.Equal("picked", ((StringArray)batch.Column("x")).GetString(0));
    }

    /// <summary>Confluent's framing: magic byte, schema id, zig-zag varint count of indexes and the indexes (a lone 0 for [0]), the message.</summary>
    internal static byte[] Frame(int schemaId, int[] indexes, ByteString message)
    {
        using var stream = new MemoryStream();
        stream.WriteByte(0);
        stream.Write([(byte)(schemaId >> 24), (byte)(schemaId >> 16), (byte)(schemaId >> 8), (byte)schemaId]);
        var output = new CodedOutputStream(stream, leaveOpen: true);
        if (indexes is [0])
        {
            output.WriteSInt32(0);
        }
        else
        {
            output.WriteSInt32(indexes.Length);
            foreach (var index in indexes)
            {
                output.WriteSInt32(index);
            }
        }

        output.Flush();
        message.WriteTo(stream);
        return stream.ToArray();
    }

    internal static ByteString Message(Action<CodedOutputStream> write)
    {
        using var stream = new MemoryStream();
        var output = new CodedOutputStream(stream, leaveOpen: true);
        write(output);
        output.Flush();
        return ByteString.CopyFrom(stream.ToArray());
    }

    private int RegisterProto(string subject, string proto) =>
        Task.Run(() => _harness.Registry.RegisterSchemaAsync(subject, new Confluent.SchemaRegistry.Schema(proto, Confluent.SchemaRegistry.SchemaType.Protobuf))).GetAwaiter().GetResult();

    private static List<string?> Strings(StringArray array) => [.. Enumerable.Range(0, array.Length).Select(i => array.GetString(i))];
}
