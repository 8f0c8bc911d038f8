using System.Text;
using Avro;
using Avro.Generic;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests.Formats;

/// <summary>[KafkaMessage(Format = KafkaFormat.Avro)] records read from values Confluent's AvroSerializer wrote, fields matched to members by name.</summary>
public sealed class TypedAvroTests : IDisposable
{
    // The writer's field order differs from the members', it has a field the record lacks (channel),
    // and it lacks a nullable member (note); count is an int read into a long member.
    private const string WriterSchema = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"channel","type":"string"},
          {"name":"name","type":"string"},
          {"name":"id","type":"long"},
          {"name":"created","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"day","type":{"type":"int","logicalType":"date"}},
          {"name":"uid","type":{"type":"string","logicalType":"uuid"}},
          {"name":"status","type":{"type":"enum","name":"OrderStatus","symbols":["NEW","PAID","SHIPPED"]}},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"address","type":{"type":"record","name":"Address","fields":[
            {"name":"street","type":"string"},{"name":"zip","type":["null","int"]}]}},
          {"name":"count","type":"int"}
        ]}
        """;

    // Without name, which the record needs: no row written with it can be read.
    private const string WriterWithoutName = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"long"}
        ]}
        """;

    private static readonly DateTime Created = new(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc);
    private static readonly Guid Uid = Guid.Parse("6f1c2a54-9a1e-4c1b-8a53-0b5e7f3d2c11");

    private readonly FormatHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Fields_are_matched_to_members_by_name_into_the_same_columns_as_json()
    {
        var topic = _harness.Kafka.NewTopic("typed-avro", 1);
        var schema = (RecordSchema)Schema.Parse(WriterSchema);
        _harness.ProduceAvro(topic, [Order(schema, 1, "first", zip: 12345), Order(schema, 2, "second", zip: null)]);

        using var consumer = Consumer(topic);
        var batches = ReadAll(consumer);
        try
        {
            Assert.Equal(
                ["key", "topic", "partition", "offset", "timestamp", "id", "name", "created", "day", "uid", "status", "tags", "address", "count", "note", "_error", "_raw_value"],
                consumer.Schema.FieldsList.Select(f => f.Name));
            Assert.Equal(
                Columns.ArrowMessage.SchemaOf<AvroOrder>().FieldsList.Select(f => f.DataType.ToString()),
                batches[0].RecordBatch.Schema.FieldsList.Skip(5).Take(10).Select(f => f.DataType.ToString()));
            Assert.Empty(batches.SelectMany(b => b.Errors));
            var rows = batches.SelectMany(b => b.Rows).ToList();
            Assert.Equal(
                [
                    new AvroOrder(1, "first", new DateTimeOffset(Created), new DateOnly(2024, 5, 6), Uid, OrderStatus.PAID, ["a", "b"], new AvroAddress("Main St", 12345), 10, null),
                    new AvroOrder(2, "second", new DateTimeOffset(Created), new DateOnly(2024, 5, 6), Uid, OrderStatus.PAID, ["a", "b"], new AvroAddress("Main St", null), 10, null),
                ],
                rows,
                AvroOrder.Comparer);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Rows_that_cannot_be_read_are_bad_rows_naming_topic_partition_offset_and_reason()
    {
        var topic = _harness.Kafka.NewTopic("typed-avro-bad", 1);
        _harness.ProduceAvro(topic, [Order((RecordSchema)Schema.Parse(WriterSchema), 1, "first", zip: null)], firstTimestampMs: 1000);
        var withoutName = new GenericRecord((RecordSchema)Schema.Parse(WriterWithoutName));
        withoutName.Add("id", 2L);
        _harness.ProduceAvro(topic, [withoutName], firstTimestampMs: 2000);
        _harness.Kafka.Produce(topic, [LocalMessage.FromStrings(0, 3000, "k", """{"id":3}""")]);

        using var consumer = Consumer(topic);
        var batches = ReadAll(consumer);
        try
        {
            Assert.Equal([1L], batches.SelectMany(b => b.Rows).Select(r => r.Id));
            var errors = batches.SelectMany(b => b.Errors).ToList();
            Assert.Equal([(topic, 0, 1L), (topic, 0, 2L)], errors.Select(e => (e.Topic, e.Partition, e.Offset)));
            Assert.Matches(
                "^writer schema id [0-9]+ cannot be read as the members of AvroOrder: the reader's field 'name' is not in the writer schema and has no default$",
                errors[0].Reason);
            Assert.Equal("not in Confluent's wire format: the first byte is 0x7B, not the magic byte 0x00", errors[1].Reason);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void A_typed_avro_record_needs_the_registry_and_a_json_record_refuses_one()
    {
        var topic = _harness.Kafka.NewTopic("typed-avro-options", 1);

        var missing = Assert.Throws<ArgumentException>(() => new TypedConsumer<AvroOrder>(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions()));
        Assert.StartsWith("AvroOrder is a [KafkaMessage(Format = KafkaFormat.Avro)] type: set ConsumerOptions.ValueFormat = ValueFormat.Avro(registry)", missing.Message, StringComparison.Ordinal);

        var subject = Assert.Throws<ArgumentException>(() => new TypedConsumer<AvroOrder>(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { ValueFormat = ValueFormat.Avro(_harness.Registry, subject: "orders-value") }));
        Assert.StartsWith("AvroOrder's members are the reader schema", subject.Message, StringComparison.Ordinal);

        var json = Assert.Throws<ArgumentException>(() => new TypedConsumer<Fill>(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { ValueFormat = ValueFormat.Avro(_harness.Registry) }));
        Assert.StartsWith("Fill decodes JSON values itself", json.Message, StringComparison.Ordinal);
    }

    private TypedConsumer<AvroOrder> Consumer(string topic) =>
        new(_harness.Kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets, ValueFormat = ValueFormat.Avro(_harness.Registry), BatchSize = 3 });

    private static List<TypedBatch<AvroOrder>> ReadAll(TypedConsumer<AvroOrder> consumer)
    {
        var batches = new List<TypedBatch<AvroOrder>>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!consumer.IsComplete)
        {
            Assert.True(clock.Elapsed < Replay.Patience, $"Gave up after {Replay.Patience.TotalSeconds} s.");
            batches.Add(consumer.Poll(200));
        }

        batches.RemoveAll(b =>
        {
            if (b.Length > 0)
            {
                return false;
            }

            b.Dispose();
            return true;
        });
        return batches;
    }

    private static GenericRecord Order(RecordSchema schema, long id, string name, int? zip)
    {
        var record = new GenericRecord(schema);
        record.Add("channel", "web");
        record.Add("name", name);
        record.Add("id", id);
        record.Add("created", Created);
        record.Add("day", new DateTime(2024, 5, 6, 0, 0, 0, DateTimeKind.Utc));
        record.Add("uid", Uid);
        record.Add("status", new GenericEnum((EnumSchema)schema["status"].Schema, "PAID"));
        record.Add("tags", new[] { "a", "b" });
        var address = new GenericRecord((RecordSchema)schema["address"].Schema);
        address.Add("street", "Main St");
        address.Add("zip", zip);
        record.Add("address", address);
        record.Add("count", 10);
        return record;
    }
}

#pragma warning disable CA1707 // Avro enum symbols, matched by name.
public enum OrderStatus { NEW, PAID, SHIPPED }
#pragma warning restore CA1707

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record AvroAddress(string Street, int? Zip);

[KafkaMessage(Format = KafkaFormat.Avro, NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record AvroOrder(long Id, string Name, DateTimeOffset Created, DateOnly Day, Guid Uid, OrderStatus Status, List<string> Tags, AvroAddress Address, long Count, string? Note)
{
    private static readonly List<string> NoTags = [];

    /// <summary>By value, the list by its items (a record compares lists by reference).</summary>
    public static readonly IEqualityComparer<AvroOrder> Comparer = EqualityComparer<AvroOrder>.Create(
        (a, b) => a is not null && b is not null && a with { Tags = NoTags } == b with { Tags = NoTags } && a.Tags.SequenceEqual(b.Tags),
        o => o.Id.GetHashCode());
}
