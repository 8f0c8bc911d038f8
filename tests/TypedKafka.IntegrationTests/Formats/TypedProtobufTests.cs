using System.Text;
using Google.Protobuf;
using TypedKafka.Testing;
using static TypedKafka.IntegrationTests.Formats.ProtobufFormatTests;

namespace TypedKafka.IntegrationTests.Formats;

/// <summary>
/// [KafkaMessage(Format = KafkaFormat.Protobuf)] records read from Protobuf values in Confluent's
/// wire format (framed as <see cref="ProtobufFormatTests"/> frames them), fields matched to members by name.
/// </summary>
public sealed class TypedProtobufTests : IDisposable
{
    // The field numbers follow no member order; channel is a field no member asks for; count is an
    // int32 read into a long member; note and zip have presence (optional), tags and lines repeat.
    private const string OrderProto = """
        syntax = "proto3";
        package shop;

        message Order {
          string channel = 1;
          string name = 2;
          int64 id = 3;
          Status status = 4;
          repeated string tags = 5;
          Address address = 6;
          int32 count = 7;
          optional string note = 8;
          repeated Line lines = 9;

          message Address { string street = 1; optional int32 zip = 2; }
          message Line { string sku = 1; uint32 quantity = 2; }
          enum Status { NEW = 0; PAID = 1; SHIPPED = 2; }
        }
        """;

    private readonly FormatHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Fields_are_matched_to_members_by_name_and_absent_fields_take_defaults_or_null()
    {
        var topic = _harness.Kafka.NewTopic("typed-proto", 1);
        var id = Register(topic + "-value", OrderProto);
        var full = Message(o =>
        {
            // Out of number order, with a field no member reads: a member takes its field wherever it lies.
            o.WriteTag(9, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(Line("A", 2));
            o.WriteTag(7, WireFormat.WireType.Varint);
            o.WriteInt32(-5);
            o.WriteTag(1, WireFormat.WireType.LengthDelimited);
            o.WriteString("web");
            o.WriteTag(3, WireFormat.WireType.Varint);
            o.WriteInt64(1);
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteString("first");
            o.WriteTag(4, WireFormat.WireType.Varint);
            o.WriteEnum(1);
            o.WriteTag(5, WireFormat.WireType.LengthDelimited);
            o.WriteString("a");
            o.WriteTag(5, WireFormat.WireType.LengthDelimited);
            o.WriteString("b");
            o.WriteTag(6, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(Address("Main St", 12345));
            o.WriteTag(8, WireFormat.WireType.LengthDelimited);
            o.WriteString("hi");
            o.WriteTag(9, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(Line("B", 3));
        });

        // Only id and name: the rest absent, as proto3 writers leave default values out.
        var minimal = Message(o => { o.WriteTag(3, WireFormat.WireType.Varint); o.WriteInt64(2); o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString("second"); });

        // An address without its optional zip, and a note set to "": presence tells it from a missing one.
        var partial = Message(o =>
        {
            o.WriteTag(3, WireFormat.WireType.Varint);
            o.WriteInt64(3);
            o.WriteTag(6, WireFormat.WireType.LengthDelimited);
            o.WriteBytes(Address("Side St", zip: null));
            o.WriteTag(8, WireFormat.WireType.LengthDelimited);
            o.WriteString(string.Empty);
            o.WriteTag(4, WireFormat.WireType.Varint);
            o.WriteEnum(2);
        });
        _harness.Kafka.Produce(topic, [
            new LocalMessage(0, 1000, null, Frame(id, [0], full)),
            new LocalMessage(0, 1001, null, Frame(id, [0], minimal)),
            new LocalMessage(0, 1002, null, Frame(id, [0], partial)),
        ]);

        using var consumer = Consumer(topic);
        var batches = ReadAll(consumer);
        try
        {
            Assert.Equal(
                Columns.ArrowMessage.SchemaOf<ProtoOrder>().FieldsList.Select(f => $"{f.Name}: {f.DataType}"),
                batches[0].RecordBatch.Schema.FieldsList.Skip(5).Take(9).Select(f => $"{f.Name}: {f.DataType}"));
            Assert.Empty(batches.SelectMany(b => b.Errors));
            Assert.Equal(
                [
                    new ProtoOrder(1, "first", OrderStatus.PAID, ["a", "b"], new ProtoAddress("Main St", 12345), -5, "hi", [new ProtoLine("A", 2), new ProtoLine("B", 3)], null),
                    new ProtoOrder(2, "second", OrderStatus.NEW, [], null, 0, null, [], null),
                    new ProtoOrder(3, string.Empty, OrderStatus.SHIPPED, [], new ProtoAddress("Side St", null), 0, string.Empty, [], null),
                ],
                batches.SelectMany(b => b.Rows),
                ProtoOrder.Comparer);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Rows_that_cannot_be_read_are_bad_rows_naming_topic_partition_offset_member_and_field()
    {
        var topic = _harness.Kafka.NewTopic("typed-proto-bad", 1);
        var id = Register(topic + "-value", OrderProto);
        var withoutName = Register("typed-proto-without-name", OrderProto.Replace("  string name = 2;\n", string.Empty, StringComparison.Ordinal));
        var countAsText = Register("typed-proto-count-text", OrderProto.Replace("int32 count = 7;", "string count = 7;", StringComparison.Ordinal));
        ByteString Order(long orderId, int status = 0) => Message(o =>
        {
            o.WriteTag(3, WireFormat.WireType.Varint);
            o.WriteInt64(orderId);
            o.WriteTag(2, WireFormat.WireType.LengthDelimited);
            o.WriteString("n" + orderId);
            o.WriteTag(4, WireFormat.WireType.Varint);
            o.WriteEnum(status);
        });
        _harness.Kafka.Produce(topic, [
            new LocalMessage(0, 1000, null, Frame(id, [0], Order(1))),
            new LocalMessage(0, 1001, null, Encoding.UTF8.GetBytes("""{"id":2}""")),
            new LocalMessage(0, 1002, null, Frame(withoutName, [0], Order(3))),
            new LocalMessage(0, 1003, null, Frame(countAsText, [0], Order(4))),
            new LocalMessage(0, 1004, null, Frame(id, [0], Order(5, status: 7))),
            new LocalMessage(0, 1005, null, Frame(id, [0], Order(6))),
        ]);

        using var consumer = Consumer(topic);
        var batches = ReadAll(consumer);
        try
        {
            Assert.Equal([1L, 6L], batches.SelectMany(b => b.Rows).Select(r => r.Id));
            var errors = batches.SelectMany(b => b.Errors).ToList();
            Assert.Equal([(topic, 0, 1L), (topic, 0, 2L), (topic, 0, 3L), (topic, 0, 4L)], errors.Select(e => (e.Topic, e.Partition, e.Offset)));
            Assert.Equal("not in Confluent's wire format: the first byte is 0x7B, not the magic byte 0x00", errors[0].Reason);
            Assert.Equal(
                $"writer schema id {withoutName} (shop.Order) cannot be read as the members of ProtoOrder: member 'name' has no field 'name' in the writer's message 'shop.Order', and the member is not nullable",
                errors[1].Reason);
            Assert.Equal(
                $"writer schema id {countAsText} (shop.Order) cannot be read as the members of ProtoOrder: member 'count' is int64, and the writer's field 'shop.Order.count' is string",
                errors[2].Reason);
            Assert.Equal("field 'shop.Order.status': enum value 7 is not a member of OrderStatus (member 'status')", errors[3].Reason);
            Assert.Equal(4, consumer.BadPayloadCount);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void A_wrong_magic_byte_fails_the_poll_under_the_fail_policy_naming_topic_partition_and_offset()
    {
        var topic = _harness.Kafka.NewTopic("typed-proto-fail", 1);
        var id = Register(topic + "-value", OrderProto);
        var order = Message(o => { o.WriteTag(2, WireFormat.WireType.LengthDelimited); o.WriteString("ok"); });
        var wrongMagic = Frame(id, [0], order);
        wrongMagic[0] = 1;
        _harness.Kafka.Produce(topic, [new LocalMessage(0, 1000, null, Frame(id, [0], order)), new LocalMessage(0, 1001, null, wrongMagic)]);

        using var consumer = new TypedConsumer<ProtoOrder>(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions
        {
            Until = ReplayEnd.EndOffsets, ValueFormat = ValueFormat.Protobuf(_harness.Registry), BadPayloadPolicy = BadPayloadPolicy.Fail,
        });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var failure = Assert.Throws<BadPayloadException>(() =>
        {
            while (!consumer.IsComplete)
            {
                Assert.True(clock.Elapsed < Replay.Patience, $"Gave up after {Replay.Patience.TotalSeconds} s.");
                consumer.Poll(200).Dispose();
            }
        });
        Assert.Equal((topic, 0, 1L), (failure.Topic, failure.Partition, failure.Offset));
        Assert.Equal("not in Confluent's wire format: the first byte is 0x01, not the magic byte 0x00", failure.Reason);
    }

    [Fact]
    public void A_typed_protobuf_record_needs_the_registry_and_no_message_name()
    {
        var topic = _harness.Kafka.NewTopic("typed-proto-options", 1);

        var missing = Assert.Throws<ArgumentException>(() => new TypedConsumer<ProtoOrder>(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions()));
        Assert.StartsWith("ProtoOrder is a [KafkaMessage(Format = KafkaFormat.Protobuf)] type: set ConsumerOptions.ValueFormat = ValueFormat.Protobuf(registry)", missing.Message, StringComparison.Ordinal);

        var avro = Assert.Throws<ArgumentException>(() => new TypedConsumer<ProtoOrder>(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { ValueFormat = ValueFormat.Avro(_harness.Registry) }));
        Assert.StartsWith("ProtoOrder is a [KafkaMessage(Format = KafkaFormat.Protobuf)] type", avro.Message, StringComparison.Ordinal);

        var named = Assert.Throws<ArgumentException>(() => new TypedConsumer<ProtoOrder>(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { ValueFormat = ValueFormat.Protobuf(_harness.Registry, messageName: "Order") }));
        Assert.StartsWith("ProtoOrder's members are matched by name to each value's message", named.Message, StringComparison.Ordinal);
    }

    private static ByteString Address(string street, int? zip) => Message(a =>
    {
        a.WriteTag(1, WireFormat.WireType.LengthDelimited);
        a.WriteString(street);
        if (zip is { } value)
        {
            a.WriteTag(2, WireFormat.WireType.Varint);
            a.WriteInt32(value);
        }
    });

    private static ByteString Line(string sku, uint quantity) => Message(l =>
    {
        l.WriteTag(1, WireFormat.WireType.LengthDelimited);
        l.WriteString(sku);
        l.WriteTag(2, WireFormat.WireType.Varint);
        l.WriteUInt32(quantity);
    });

    private int Register(string subject, string proto) =>
        Task.Run(() => _harness.Registry.RegisterSchemaAsync(subject, new Confluent.SchemaRegistry.Schema(proto, Confluent.SchemaRegistry.SchemaType.Protobuf))).GetAwaiter().GetResult();

    private TypedConsumer<ProtoOrder> Consumer(string topic) =>
        new(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets, ValueFormat = ValueFormat.Protobuf(_harness.Registry), BatchSize = 3 });

    private static List<TypedBatch<ProtoOrder>> ReadAll(TypedConsumer<ProtoOrder> consumer)
    {
        var batches = new List<TypedBatch<ProtoOrder>>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!consumer.IsComplete)
        {
            Assert.True(clock.Elapsed < Replay.Patience, $"Gave up after {Replay.Patience.TotalSeconds} s.");
            var batch = consumer.Poll(200);
            if (batch.Length > 0)
            {
                batches.Add(batch);
            }
            else
            {
                batch.Dispose();
            }
        }

        return batches;
    }
}

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record ProtoAddress(string Street, int? Zip);

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record ProtoLine(string Sku, uint Quantity);

/// <summary>Coupon is in no writer's message: always null.</summary>
[KafkaMessage(Format = KafkaFormat.Protobuf, NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record ProtoOrder(long Id, string Name, OrderStatus Status, List<string> Tags, ProtoAddress? Address, long Count, string? Note, List<ProtoLine> Lines, string? Coupon)
{
    private static readonly List<string> NoTags = [];
    private static readonly List<ProtoLine> NoLines = [];

    /// <summary>By value, the lists by their items (a record compares lists by reference).</summary>
    public static readonly IEqualityComparer<ProtoOrder> Comparer = EqualityComparer<ProtoOrder>.Create(
        (a, b) => a is not null && b is not null && a with { Tags = NoTags, Lines = NoLines } == b with { Tags = NoTags, Lines = NoLines }
            && a.Tags.SequenceEqual(b.Tags) && a.Lines.SequenceEqual(b.Lines),
        o => o.Id.GetHashCode());
}
