using System.Text;
using Apache.Arrow;
using Apache.Arrow.Arrays;
using Apache.Arrow.Types;
using Avro;
using Avro.Generic;
using Avro.Specific;
using Confluent.SchemaRegistry;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests.Formats;

/// <summary>Values written by Confluent's Avro serializers, read by ValueFormat.Avro straight into Arrow columns.</summary>
public sealed class AvroFormatTests : IDisposable
{
    private const string EveryTypeSchema = """
        {"type":"record","name":"Order","namespace":"shop","fields":[
          {"name":"id","type":"long"},
          {"name":"name","type":"string"},
          {"name":"active","type":"boolean"},
          {"name":"count","type":"int"},
          {"name":"ratio","type":"float"},
          {"name":"score","type":"double"},
          {"name":"payload","type":"bytes"},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"day","type":{"type":"int","logicalType":"date"}},
          {"name":"created_ms","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"created_us","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
          {"name":"uid","type":{"type":"string","logicalType":"uuid"}},
          {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID","SHIPPED"]}},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"attrs","type":{"type":"map","values":"long"}},
          {"name":"address","type":{"type":"record","name":"Address","fields":[
            {"name":"street","type":"string"},{"name":"zip","type":["null","int"]}]}},
          {"name":"hash","type":{"type":"fixed","name":"Hash","size":4}}
        ]}
        """;

    private readonly FormatHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public void Every_type_from_the_generic_serializer_lands_in_its_arrow_column()
    {
        var topic = _harness.Kafka.NewTopic("avro-every-type", 1);
        var schema = (RecordSchema)Avro.Schema.Parse(EveryTypeSchema);
        var uid = Guid.Parse("6f1c2a54-9a1e-4c1b-8a53-0b5e7f3d2c11");
        var created = new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc).AddTicks(4560);
        _harness.ProduceAvro(topic, [Order(schema, 1, "first", uid, created, note: "hello"), Order(schema, 2, "second", uid, created, note: null)]);

        using var manager = _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry));
        var batches = FormatHarness.ReadAll(manager);
        using var batch = Assert.Single(batches);

        Assert.Equal(
            ["key", "topic", "partition", "offset", "timestamp", "id", "name", "active", "count", "ratio", "score", "payload", "note", "day",
             "created_ms", "created_us", "amount", "uid", "status", "tags", "attrs", "address", "hash", "_error", "_raw_value"],
            batch.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal(manager.Schema.ToString(), batch.Schema.ToString());
        Assert.Equal([1L, 2L], ((Int64Array)batch.Column("id")).Values.ToArray());
        Assert.Equal("first", ((StringArray)batch.Column("name")).GetString(0));
        Assert.True(((BooleanArray)batch.Column("active")).GetValue(0));
        Assert.Equal(10, ((Int32Array)batch.Column("count")).GetValue(0));
        Assert.Equal(0.5f, ((FloatArray)batch.Column("ratio")).GetValue(0));
        Assert.Equal(2.25, ((DoubleArray)batch.Column("score")).GetValue(0));
        Assert.Equal([1, 2, 3], ((BinaryArray)batch.Column("payload")).GetBytes(0).ToArray());
        var notes = (StringArray)batch.Column("note");
        Assert.Equal("hello", notes.GetString(0));
        Assert.True(notes.IsNull(1));
        Assert.Equal(new DateOnly(2024, 5, 6).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber, ((Date32Array)batch.Column("day")).Values[0]);
        Assert.Equal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.Zero), ((TimestampArray)batch.Column("created_ms")).GetTimestamp(0));
        var micros = (TimestampArray)batch.Column("created_us");
        Assert.Equal(TimeUnit.Microsecond, ((TimestampType)micros.Data.DataType).Unit);
        Assert.Equal(new DateTimeOffset(created).ToUnixTimeMilliseconds() * 1000 + 456, micros.Values[0]);
        var amount = (Decimal128Array)batch.Column("amount");
        Assert.Equal(new Decimal128Type(10, 2).ToString(), amount.Data.DataType.ToString());
        Assert.Equal(-1234.56m, amount.GetValue(0));
        Assert.Equal(uid, ((GuidArray)batch.Column("uid")).GetGuid(0));
        Assert.Equal("PAID", ((StringArray)batch.Column("status")).GetString(0));
        var tags = (ListArray)batch.Column("tags");
        Assert.Equal(["a", "b"], Strings((StringArray)tags.GetSlicedValues(0)));
        var attrs = (MapArray)batch.Column("attrs");
        var entries = (StructArray)attrs.GetSlicedValues(0);
        Assert.Equal(["x"], Strings((StringArray)entries.Fields[0]));
        Assert.Equal([7L], ((Int64Array)entries.Fields[1]).Values.ToArray());
        var address = (StructArray)batch.Column("address");
        Assert.Equal("Main St", ((StringArray)address.Fields[0]).GetString(0));
        Assert.Equal(12345, ((Int32Array)address.Fields[1]).GetValue(0));
        Assert.True(((Int32Array)address.Fields[1]).IsNull(1));
        Assert.Equal([9, 8, 7, 6], ((FixedSizeBinaryArray)batch.Column("hash")).GetBytes(0).ToArray());
        Assert.Equal(2, ((StringArray)batch.Column("_error")).NullCount);
        Assert.Equal(0, manager.BadPayloadCount);
    }

    [Fact]
    public void Specific_records_from_the_typed_serializer_round_trip()
    {
        var topic = _harness.Kafka.NewTopic("avro-specific", 1);
        var orders = Enumerable.Range(0, 10).Select(i => new OrderRecord { Id = i, Customer = $"c{i}", Amount = i * 1.5 }).ToList();
        _harness.ProduceAvro(topic, orders);

        using var manager = _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry));
        var batches = FormatHarness.ReadAll(manager);
        try
        {
            Assert.Equal(orders.Select(o => o.Id), batches.SelectMany(b => ((Int64Array)b.Column("id")).Values.ToArray()));
            Assert.Equal(orders.Select(o => o.Customer), batches.SelectMany(b => Strings((StringArray)b.Column("customer"))));
            Assert.Equal(orders.Select(o => o.Amount), batches.SelectMany(b => ((DoubleArray)b.Column("amount")).Values.ToArray()));
            Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), batches.SelectMany(b => ((Int64Array)b.Column("offset")).Values.ToArray()));
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Two_schema_versions_in_one_topic_resolve_to_the_latest()
    {
        var topic = _harness.Kafka.NewTopic("avro-evolution", 1);
        var v1 = (RecordSchema)Avro.Schema.Parse("""
            {"type":"record","name":"Reading","fields":[
              {"name":"sensor","type":"string"},{"name":"celsius","type":"int"},{"name":"legacy","type":"string"}]}
            """);
        var v2 = (RecordSchema)Avro.Schema.Parse("""
            {"type":"record","name":"Reading","fields":[
              {"name":"sensor","type":"string"},{"name":"celsius","type":"double"},
              {"name":"unit","type":"string","default":"C"},{"name":"site","type":["null","string"],"default":null}]}
            """);
        var old = new GenericRecord(v1);
        old.Add("sensor", "s1");
        old.Add("celsius", 21);
        old.Add("legacy", "dropped");
        _harness.ProduceAvro(topic, [old], firstTimestampMs: 1000);
        var current = new GenericRecord(v2);
        current.Add("sensor", "s2");
        current.Add("celsius", 22.5);
        current.Add("unit", "F");
        current.Add("site", "north");
        _harness.ProduceAvro(topic, [current], firstTimestampMs: 2000);

        using var manager = _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry));
        var batches = FormatHarness.ReadAll(manager);
        using var batch = Assert.Single(batches);
        Assert.Equal(["sensor", "celsius", "unit", "site"], batch.Schema.FieldsList.Skip(5).Take(4).Select(f => f.Name));
        Assert.Equal(["s1", "s2"], Strings((StringArray)batch.Column("sensor")));
        Assert.Equal([21.0, 22.5], ((DoubleArray)batch.Column("celsius")).Values.ToArray());
        Assert.Equal(["C", "F"], Strings((StringArray)batch.Column("unit")));
        var sites = (StringArray)batch.Column("site");
        Assert.True(sites.IsNull(0));
        Assert.Equal("north", sites.GetString(1));
        Assert.Equal(0, manager.BadPayloadCount);
    }

    [Fact]
    public void An_older_reader_schema_given_by_id_skips_fields_added_later()
    {
        var topic = _harness.Kafka.NewTopic("avro-reader-id", 1);
        var v1 = (RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"}]}""");
        var v2 = (RecordSchema)Avro.Schema.Parse("""
            {"type":"record","name":"Reading","fields":[{"name":"extra","type":{"type":"array","items":"long"}},{"name":"sensor","type":"string"}]}
            """);
        var v1Id = RegisterAvro(topic + "-value", v1);
        var record = new GenericRecord(v2);
        record.Add("extra", new long[] { 1, 2, 3 });
        record.Add("sensor", "s9");
        _harness.ProduceAvro(topic, [record]);

        using var manager = _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry, schemaId: v1Id));
        using var batch = Assert.Single(FormatHarness.ReadAll(manager));
        Assert.Equal("s9", ((StringArray)batch.Column("sensor")).GetString(0));
        Assert.Equal(-1, batch.Schema.GetFieldIndex("extra"));
    }

    [Fact]
    public void Json_bytes_and_an_unknown_schema_id_are_bad_rows_naming_where_and_why()
    {
        var topic = _harness.Kafka.NewTopic("avro-bad-rows", 1);
        _harness.ProduceAvro(topic, [new OrderRecord { Id = 1, Customer = "good", Amount = 1 }], firstTimestampMs: 1000);
        byte[] unknownId = [0, 0, 0, 0x7F, 0x00, 2, 0x41];
        _harness.Kafka.Produce(topic, [
            LocalMessage.FromStrings(0, 2000, "k", """{"id":2}"""),
            new LocalMessage(0, 3000, null, unknownId),
            new LocalMessage(0, 4000, null, null),
        ]);
        _harness.ProduceAvro(topic, [new OrderRecord { Id = 5, Customer = "after", Amount = 5 }], firstTimestampMs: 5000);

        using var manager = _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry));
        var batches = FormatHarness.ReadAll(manager);
        try
        {
            var errors = batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((StringArray)b.Column("_error")).GetString(i))).ToList();
            var ids = batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((Int64Array)b.Column("id")).GetValue(i))).ToList();
            Assert.Equal([1L, null, null, null, 5L], ids);
            Assert.Null(errors[0]);
            Assert.Contains("first byte is 0x7B, not the magic byte", errors[1], StringComparison.Ordinal);
            Assert.Contains($"schema id {0x7F00} is not in the schema registry", errors[2], StringComparison.Ordinal);
            Assert.Contains("tombstone", errors[3], StringComparison.Ordinal);
            Assert.Null(errors[4]);
            var raw = batches.SelectMany(b => Enumerable.Range(0, b.Length).Select(i => ((BinaryArray)b.Column("_raw_value")).GetBytes(i).ToArray())).ToList();
            Assert.Equal("""{"id":2}""", Encoding.UTF8.GetString(raw[1]));
            Assert.Equal(3, manager.BadPayloadCount);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Under_the_fail_policy_a_bad_row_throws_with_topic_partition_offset_and_reason()
    {
        var topic = _harness.Kafka.NewTopic("avro-fail", 1);
        _harness.ProduceAvro(topic, [new OrderRecord { Id = 1, Customer = "good", Amount = 1 }]);
        _harness.Kafka.Produce(topic, [LocalMessage.FromStrings(0, 2000, "k", "not avro")]);

        using var manager = _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry), BadPayloadPolicy.Fail);
        var error = Assert.Throws<BadPayloadException>(() => FormatHarness.ReadAll(manager));
        Assert.Equal(topic, error.Topic);
        Assert.Equal(0, error.Partition);
        Assert.Equal(1, error.Offset);
        Assert.Contains($"topic '{topic}', partition 0, offset 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("magic byte", error.Reason, StringComparison.Ordinal);
        Assert.Throws<BadPayloadException>(() => manager.Poll(0));
    }

    [Fact]
    public void An_incompatible_writer_schema_makes_its_rows_bad_with_the_reason()
    {
        var topic = _harness.Kafka.NewTopic("avro-incompatible", 1);
        var reader = (RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"},{"name":"site","type":"string"}]}""");
        var readerId = RegisterAvro("readings-reader", reader);
        var writer = (RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"}]}""");
        var record = new GenericRecord(writer);
        record.Add("sensor", "s1");
        _harness.ProduceAvro(topic, [record]);

        using var manager = _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry, schemaId: readerId));
        using var batch = Assert.Single(FormatHarness.ReadAll(manager));
        var error = ((StringArray)batch.Column("_error")).GetString(0);
        Assert.Contains($"cannot be read as reader schema id {readerId}", error, StringComparison.Ordinal);
        Assert.Contains("'site' is not in the writer schema and has no default", error, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void A_registry_that_cannot_be_reached_stops_the_consumer_rather_than_skipping_rows()
    {
        Skip.If(_harness.LocalRegistry is null, "Needs the in-process registry, to stop it.");
        var topic = _harness.Kafka.NewTopic("avro-registry-down", 1);
        var v1 = (RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"}]}""");
        var v2 = (RecordSchema)Avro.Schema.Parse("""{"type":"record","name":"Reading","fields":[{"name":"sensor","type":"string"},{"name":"unit","type":"string"}]}""");
        var v1Id = RegisterAvro(topic + "-value", v1);
        var record = new GenericRecord(v2);
        record.Add("sensor", "s1");
        record.Add("unit", "C");
        _harness.ProduceAvro(topic, [record]);

        // A client of its own: the producer's has the new schema in its cache already.
        using var client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = _harness.RegistryUrl });
        using var manager = _harness.Consumer(topic, ValueFormat.Avro(client, schemaId: v1Id));
        _harness.LocalRegistry!.Dispose();

        var error = Assert.Throws<InvalidOperationException>(() => FormatHarness.ReadAll(manager));
        Assert.Contains($"schema id {v1Id + 1}", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => manager.Poll(0));
        Assert.Equal(0, manager.BadPayloadCount);
    }

    [Fact]
    public void A_missing_subject_fails_construction_naming_it()
    {
        var topic = _harness.Kafka.NewTopic("avro-no-subject", 1);
        var error = Assert.Throws<ArgumentException>(() => _harness.Consumer(topic, ValueFormat.Avro(_harness.Registry)));
        Assert.Contains($"subject '{topic}-value'", error.Message, StringComparison.Ordinal);
    }

    private static GenericRecord Order(RecordSchema schema, long id, string name, Guid uid, DateTime created, string? note)
    {
        var record = new GenericRecord(schema);
        record.Add("id", id);
        record.Add("name", name);
        record.Add("active", true);
        record.Add("count", 10);
        record.Add("ratio", 0.5f);
        record.Add("score", 2.25);
        record.Add("payload", new byte[] { 1, 2, 3 });
        record.Add("note", note);
        record.Add("day", new DateTime(2024, 5, 6, 0, 0, 0, DateTimeKind.Utc));
        record.Add("created_ms", created);
        record.Add("created_us", created);
        record.Add("amount", new AvroDecimal(-1234.56m));
        record.Add("uid", uid);
        record.Add("status", new GenericEnum((EnumSchema)schema["status"].Schema, "PAID"));
        record.Add("tags", new[] { "a", "b" });
        record.Add("attrs", new Dictionary<string, object> { ["x"] = 7L });
        var addressSchema = (RecordSchema)schema["address"].Schema;
        var address = new GenericRecord(addressSchema);
        address.Add("street", "Main St");
        address.Add("zip", id == 1 ? 12345 : null);
        record.Add("address", address);
        record.Add("hash", new GenericFixed((FixedSchema)schema["hash"].Schema, [9, 8, 7, 6]));
        return record;
    }

    private static List<string?> Strings(StringArray array) => [.. Enumerable.Range(0, array.Length).Select(i => array.GetString(i))];

    private int RegisterAvro(string subject, RecordSchema schema) =>
        Task.Run(() => _harness.Registry.RegisterSchemaAsync(subject, new Confluent.SchemaRegistry.Schema(schema.ToString(), SchemaType.Avro))).GetAwaiter().GetResult();
}

/// <summary>A specific record written by hand, as avrogen would generate it: the type Confluent's AvroSerializer&lt;T&gt; takes.</summary>
public sealed class OrderRecord : ISpecificRecord
{
    public static readonly Avro.Schema AvroSchema = Avro.Schema.Parse("""
        {"type":"record","name":"OrderRecord","namespace":"TypedKafka.IntegrationTests.Formats","fields":[
          {"name":"id","type":"long"},{"name":"customer","type":"string"},{"name":"amount","type":"double"}]}
        """);

    public long Id { get; set; }

    public string Customer { get; set; } = string.Empty;

    public double Amount { get; set; }

    public Avro.Schema Schema => AvroSchema;

    public object Get(int fieldPos) => fieldPos switch
    {
        0 => Id,
        1 => Customer,
        2 => Amount,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos}"),
    };

    public void Put(int fieldPos, object fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Id = (long)fieldValue; break;
            case 1: Customer = (string)fieldValue; break;
            case 2: Amount = (double)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos}");
        }
    }
}
