using System.Text;
using Apache.Arrow;
using TypedKafka.Columns;

namespace TypedKafka.Generators.Tests.Decoding;

/// <summary>
/// [EventTime]: the generated extractor reads its one member from the raw value, as Unix ms, and
/// agrees with the member's column; a message without a readable event time is a bad row, never
/// a good row ordered by the broker's timestamp.
/// </summary>
public class EventTimeTests
{
    private const long Broker = 1_000;

    private static readonly DateTimeOffset Noon = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Types_without_an_event_time_member_have_none() =>
        Assert.Null(ArrowMessage.EventTimeOf<Trade>());

    [Fact]
    public void The_member_is_named_with_its_column()
    {
        var fill = ArrowMessage.EventTimeOf<Fill>()!;
        var tick = ArrowMessage.EventTimeOf<UnixTick>()!;

        Assert.Equal(("FillTime", "fillTime"), (fill.Name, ArrowMessage.SchemaOf<Fill>().FieldsList[fill.Column].Name));
        Assert.Equal(("UnixMs", "t"), (tick.Name, ArrowMessage.SchemaOf<UnixTick>().FieldsList[tick.Column].Name));
    }

    [Theory]
    [InlineData("""{"symbol":"A","fillTime":"2026-01-01T12:00:00Z","price":1}""", 0)]
    [InlineData("""{"fillTime":"2026-01-01T14:00:00.250+02:00"}""", 250)]
    [InlineData("""{"fillTime":"2026-01-01T12:00:00.0009"}""", 0)]
    [InlineData("""{"fill\u0054ime":"2026-01-01T12:00:00.001Z"}""", 1)]
    [InlineData("""{"nested":{"fillTime":"2000-01-01T00:00:00Z"},"list":[{"fillTime":1},[2]],"fillTime":"2026-01-01T12:00:00Z"}""", 0)]
    public void An_iso_time_is_read_from_the_top_level_object_as_unix_ms(string value, long msAfterNoon) =>
        Assert.Equal(Noon.ToUnixTimeMilliseconds() + msAfterNoon, Read<Fill>(value));

    [Fact]
    public void Values_after_the_member_are_not_read() =>
        Assert.Equal(Noon.ToUnixTimeMilliseconds(), Read<Fill>("""{"fillTime":"2026-01-01T12:00:00Z","symbol": nonsense"""));

    [Theory]
    [InlineData("""{"symbol":"A","price":1}""")]
    [InlineData("""{"fillTime":null}""")]
    [InlineData("""{"fillTime":"yesterday"}""")]
    [InlineData("""{"fillTime":1767268800000}""")]
    [InlineData("""{"FillTime":"2026-01-01T12:00:00Z"}""")]
    [InlineData("""{"symbol": nonsense, "fillTime":"2026-01-01T12:00:00Z"}""")]
    [InlineData("""["fillTime","2026-01-01T12:00:00Z"]""")]
    [InlineData("")]
    public void A_missing_null_or_unreadable_time_is_none(string value) => Assert.Null(Read<Fill>(value));

    [Theory]
    [InlineData("""{"price":2,"t":1767268800123}""", 1_767_268_800_123L)]
    [InlineData("""{"t":-5}""", -5L)]
    [InlineData("""{"t":1.5}""", null)]
    [InlineData("""{"t":"1767268800123"}""", null)]
    [InlineData("""{"t":9223372036854775808}""", null)]
    public void A_long_is_read_as_unix_ms(string value, long? expected) => Assert.Equal(expected, Read<UnixTick>(value));

    [Fact]
    public void A_date_time_without_offset_is_utc() =>
        Assert.Equal(Noon.ToUnixTimeMilliseconds(), Read<ClockTick>("""{"At":"2026-01-01T12:00:00"}"""));

    [Fact]
    public void Extractor_and_columns_agree_on_every_readable_time()
    {
        // Sub-millisecond parts round down on both sides, before 1970 as well.
        using var batch = Payloads.Decoder<Fill>().Decode(
            new Payload("""{"symbol":"A","fillTime":"2026-01-01T12:00:00.0009Z","price":1}"""),
            new Payload("""{"symbol":"B","fillTime":"1969-12-31T23:59:59.9995Z","price":1}"""),
            new Payload("""{"symbol":"C","fillTime":"2026-01-01T14:00:00+02:00","price":1}"""));

        Assert.Empty(batch.Errors);
        Assert.Equal([Noon.ToUnixTimeMilliseconds(), -1, Noon.ToUnixTimeMilliseconds()], ((TimestampArray)batch.RecordBatch.Column("event_time")).Values.ToArray());
    }

    [Fact]
    public void The_batch_keeps_event_time_after_the_broker_timestamp_and_before_the_members()
    {
        using var batch = Payloads.Decoder<Fill>().Decode(
            new Payload("""{"symbol":"A","fillTime":"2026-01-01T12:00:00Z","price":1.5}""", TimestampMs: Broker));
        var b = batch.RecordBatch;

        Assert.Equal(["key", "topic", "partition", "offset", "timestamp", "event_time", "symbol", "fillTime", "price", "_error", "_raw_value"], b.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal(Broker, ((TimestampArray)b.Column("timestamp")).Values[0]);
        Assert.Equal(Noon.ToUnixTimeMilliseconds(), ((TimestampArray)b.Column("event_time")).Values[0]);
        Assert.Equal(new Fill("A", Noon, 1.5), Assert.Single(batch.Rows));
        Assert.Equal(Noon, Assert.Single(batch.Records).Value.FillTime);
    }

    [Theory]
    [InlineData("""{"symbol":"B","price":2}""")]
    [InlineData("""{"symbol":"B","fillTime":null,"price":2}""")]
    public void Skip_keeps_a_message_without_event_time_aside_as_a_bad_row(string value)
    {
        var decoder = Payloads.Decoder<Fill>();
        using var batch = decoder.Decode(
            new Payload("""{"symbol":"A","fillTime":"2026-01-01T12:00:00Z","price":1}""", Offset: 7),
            new Payload(value, Partition: 2, Offset: 8, TimestampMs: Broker));
        var b = batch.RecordBatch;

        var error = Assert.Single(batch.Errors);
        Assert.Equal((1, 2, 8L), (error.Row, error.Partition, error.Offset));
        Assert.Equal("the event time is missing: [EventTime] member 'FillTime' is absent, null or unreadable, so the message was ordered by its broker timestamp", error.Reason);
        Assert.Equal(Encoding.UTF8.GetBytes(value), error.RawValue!.Value.ToArray());
        Assert.Equal(error.Reason, ((StringArray)b.Column("_error")).GetString(1));
        Assert.True(b.Column("symbol").IsNull(1));
        Assert.Equal(Broker, ((TimestampArray)b.Column("event_time")).Values[1]);
        Assert.Equal(["A"], batch.Rows.Select(f => f.Symbol));
        Assert.Equal(1, decoder.BadPayloadCount);
    }

    [Fact]
    public void A_payload_that_fails_to_decode_also_says_when_its_event_time_is_missing()
    {
        using var batch = Payloads.Decoder<UnixTick>().Decode(
            new Payload("""{"Price":1}"""),
            new Payload("""{"t":5,"Price":"one"}"""));

        Assert.Equal(
            [
                "the event time is missing: [EventTime] member 'UnixMs' is absent, null or unreadable, so the message was ordered by its broker timestamp; 't': missing, and the member is not nullable",
                "'Price': expected a number, got a string",
            ],
            batch.Errors.Select(e => e.Reason));
    }

    [Fact]
    public void Fail_throws_on_a_message_without_event_time()
    {
        var decoder = Payloads.Decoder<UnixTick>(BadPayloadPolicy.Fail);

        var e = Assert.Throws<BadPayloadException>(() => decoder.Decode(
            new Payload("""{"t":5,"Price":1}"""),
            new Payload("""{"t":"soon","Price":1}""", Partition: 3, Offset: 42)));

        Assert.Equal((3, 42L), (e.Partition, e.Offset));
        Assert.StartsWith("the event time is missing: [EventTime] member 'UnixMs'", e.Reason, StringComparison.Ordinal);
        Assert.EndsWith("'t': expected an integer, got a string", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Fail_names_the_member_when_the_event_time_is_absent()
    {
        var decoder = Payloads.Decoder<Fill>(BadPayloadPolicy.Fail);

        var e = Assert.Throws<BadPayloadException>(() => decoder.Decode(new Payload("""{"symbol":"B","price":2}""", Partition: 1, Offset: 3)));

        Assert.Equal((1, 3L), (e.Partition, e.Offset));
        Assert.StartsWith("the event time is missing: [EventTime] member 'FillTime'", e.Reason, StringComparison.Ordinal);
    }

    private static long? Read<T>(string value)
        where T : IArrowMessage<T> =>
        ArrowMessage.EventTimeOf<T>()!.Read(default, Encoding.UTF8.GetBytes(value), null);
}
