using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>The example record of the design: decoded cell by cell and materialized back.</summary>
public class DecodeTradeTests
{
    private const string First = """{"symbol":"ACME","price":101.25,"quantity":300,"tradeTime":"2026-01-02T03:04:05.123456Z","venue":"XNYS"}""";
    private const string Second = """ {"venue":null,"tradeTime":"2026-01-02T05:04:05+02:00","quantity":-7,"price":0.5,"symbol":"BETA"} """;
    private const string Third = """{"symbol":"GAMMA","price":1e3,"quantity":9223372036854775807,"tradeTime":"2026-01-02T03:04:05"}""";

    [Fact]
    public void Batch_has_metadata_columns_then_one_column_per_member_then_error_columns()
    {
        using var batch = Payloads.Decode<Trade>(First);

        Assert.Equal(
            ["key", "topic", "partition", "offset", "timestamp", "symbol", "price", "quantity", "tradeTime", "venue", "_error", "_raw_value"],
            batch.RecordBatch.Schema.FieldsList.Select(f => f.Name));
        var fields = batch.RecordBatch.Schema.FieldsList;
        Assert.IsType<StringType>(fields[5].DataType);
        Assert.IsType<DoubleType>(fields[6].DataType);
        Assert.IsType<Int64Type>(fields[7].DataType);
        var time = Assert.IsType<TimestampType>(fields[8].DataType);
        Assert.Equal((TimeUnit.Microsecond, "UTC"), (time.Unit, time.Timezone));
        Assert.IsType<StringType>(fields[9].DataType);
    }

    [Fact]
    public void Type_schema_keeps_declared_nullability_and_the_batch_makes_members_nullable_for_bad_rows()
    {
        var schema = Columns.ArrowMessage.SchemaOf<Trade>();

        Assert.Equal([false, false, false, false, true], schema.FieldsList.Select(f => f.IsNullable));
        Assert.All(Payloads.Decoder<Trade>().Schema.FieldsList.Skip(5), f => Assert.True(f.IsNullable));
        Assert.Equal([false, false, false, false, true], Payloads.Decoder<Trade>(BadPayloadPolicy.Fail).Schema.FieldsList.Skip(5).Select(f => f.IsNullable));
    }

    [Fact]
    public void Members_decode_in_any_order_with_whitespace_and_optional_members_missing()
    {
        using var batch = Payloads.Decode<Trade>(First, Second, Third);
        var b = batch.RecordBatch;

        Assert.Empty(batch.Errors);
        Assert.Equal(["ACME", "BETA", "GAMMA"], Strings(b.Column("symbol")));
        Assert.Equal([101.25, 0.5, 1000.0], ((DoubleArray)b.Column("price")).Values.ToArray());
        Assert.Equal([300L, -7L, long.MaxValue], ((Int64Array)b.Column("quantity")).Values.ToArray());
        var start = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).ToUnixTimeMilliseconds() * 1000;
        Assert.Equal([start + 123_456, start, start], ((TimestampArray)b.Column("tradeTime")).Values.ToArray());
        Assert.Equal(["XNYS", null, null], Strings(b.Column("venue")));
        Assert.Equal([null, null, null], Strings(b.Column("_error")));
        Assert.Equal(3, b.Column("_raw_value").NullCount);
    }

    [Fact]
    public void Metadata_columns_carry_key_topic_partition_offset_and_timestamp()
    {
        using var batch = Payloads.Decode<Trade>(
            BadPayloadPolicy.Skip,
            new Payload(First, Key: "k1", Partition: 3, Offset: 40, TimestampMs: 1000),
            new Payload(Second, Key: null, Partition: 1, Offset: 7, TimestampMs: 2000));
        var b = batch.RecordBatch;

        Assert.Equal(["k1", null], Strings(b.Column("key")));
        Assert.Equal([Payloads.Topic, Payloads.Topic], Strings(b.Column("topic")));
        Assert.Equal([3, 1], ((Int32Array)b.Column("partition")).Values.ToArray());
        Assert.Equal([40L, 7L], ((Int64Array)b.Column("offset")).Values.ToArray());
        Assert.Equal([1000L, 2000L], ((TimestampArray)b.Column("timestamp")).Values.ToArray());
    }

    [Fact]
    public void An_empty_poll_decodes_to_an_empty_batch_with_the_full_schema()
    {
        using var batch = Payloads.Decode<Trade>(BadPayloadPolicy.Skip);

        Assert.Equal(0, batch.Length);
        Assert.Equal(12, batch.RecordBatch.ColumnCount);
        Assert.All(batch.RecordBatch.Arrays, a => Assert.Equal(0, a.Length));
        Assert.Empty(batch.Rows);
        Assert.Empty(batch.Errors);
    }

    [Fact]
    public void Rows_materialize_the_records()
    {
        using var batch = Payloads.Decode<Trade>(First, Second);

        Assert.Equal(
            [
                new Trade("ACME", 101.25, 300, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_560), "XNYS"),
                new Trade("BETA", 0.5, -7, new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), null),
            ],
            batch.Rows);
    }

    [Fact]
    public void Records_pair_each_row_with_its_key_and_position()
    {
        using var batch = Payloads.Decode<Trade>(BadPayloadPolicy.Skip, new Payload(First, Key: "k1", Partition: 2, Offset: 9, TimestampMs: 5000));

        var record = Assert.Single(batch.Records);
        Assert.Equal(("k1", "ACME", Payloads.Topic, 2, 9L), (record.Key, record.Value.Symbol, record.Topic, record.Partition, record.Offset));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(5000), record.Timestamp);
    }

    [Fact]
    public void Columns_start_over_for_each_batch_of_a_long_lived_decoder()
    {
        var decoder = Payloads.Decoder<Trade>();
        using (var first = decoder.Decode(new Payload(First), new Payload("{"), new Payload(Second)))
        {
            Assert.Equal(3, first.Length);
        }

        using var second = decoder.Decode(new Payload(Third));
        Assert.Equal(1, second.Length);
        Assert.Equal(["GAMMA"], Strings(second.RecordBatch.Column("symbol")));
        Assert.Equal(1, second.RecordBatch.Column("_error").NullCount);
        Assert.Equal(1, decoder.BadPayloadCount);
    }

    [Fact]
    public void Rows_cannot_be_read_after_the_batch_is_disposed()
    {
        var batch = Payloads.Decode<Trade>(First);
        var rows = batch.Rows.GetEnumerator();
        batch.Dispose();

        Assert.Throws<ObjectDisposedException>(() => rows.MoveNext());
        Assert.Throws<ObjectDisposedException>(() => batch.Rows);
    }

    [Fact]
    public void A_time_without_an_offset_keeps_its_clock_time_at_the_ends_of_the_range_whatever_the_local_zone()
    {
        // East of UTC the JSON reader's local reading of 0001-01-01T00:00:00 is before the range, west of it 9999-12-31T23:59:59 after it.
        using var batch = Payloads.Decode<Trade>(
            """{"symbol":"A","price":1,"quantity":1,"tradeTime":"0001-01-01T00:00:00"}""",
            """{"symbol":"B","price":1,"quantity":1,"tradeTime":"9999-12-31T23:59:59"}""");

        Assert.Empty(batch.Errors);
        Assert.Equal(
            [DateTime.MinValue.Ticks, new DateTime(9999, 12, 31, 23, 59, 59).Ticks],
            batch.Rows.Select(t => t.TradeTime.UtcTicks));
        Assert.All(batch.Rows, t => Assert.Equal(TimeSpan.Zero, t.TradeTime.Offset));
    }

    internal static List<string?> Strings(IArrowArray array)
    {
        var strings = (StringArray)array;
        return Enumerable.Range(0, strings.Length).Select(i => strings.IsNull(i) ? null : strings.GetString(i)).ToList();
    }
}
