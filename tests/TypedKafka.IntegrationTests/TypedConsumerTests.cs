using System.Diagnostics;
using System.Text;
using Apache.Arrow;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests;

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record Fill(string Symbol, double Price, long Quantity, DateTimeOffset FilledAt, string? Venue);

/// <summary><see cref="TypedConsumer{T}"/> against <see cref="LocalKafkaCluster"/>: typed replay in order, and bad payloads under each policy.</summary>
public sealed class TypedConsumerTests : IDisposable
{
    private const long Base = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    private readonly LocalKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public void History_is_replayed_typed_and_in_timestamp_order_across_partitions()
    {
        _cluster.CreateTopic("fills", 3);
        var produced = Enumerable.Range(0, 90)
            .Select(i => (Partition: i % 3, Fill: new Fill($"S{i % 7}", 100 + (i * 0.5), i, DateTimeOffset.FromUnixTimeMilliseconds(Base + (i * 10)), i % 4 == 0 ? null : "XNYS")))
            .ToList();
        // Each partition gets its messages in offset order; timestamps interleave across partitions.
        _cluster.Produce("fills", produced.Select(p => LocalMessage.FromStrings(p.Partition, p.Fill.FilledAt.ToUnixTimeMilliseconds(), p.Fill.Symbol, Json(p.Fill))));

        using var consumer = new TypedConsumer<Fill>(Config(), [SourceTopic.FromEarliest("fills")], batchSize: 17);
        var rows = PollUntilLive(consumer, out var records, out _);

        Assert.Equal(produced.Select(p => p.Fill), rows);
        Assert.Equal(produced.Select(p => p.Fill.Symbol), records.Select(r => r.Key));
        Assert.Equal(produced.Select(p => p.Partition), records.Select(r => r.Partition));
        Assert.Equal(produced.Select(p => p.Fill.FilledAt), records.Select(r => r.Timestamp));
        Assert.Equal(0, consumer.BadPayloadCount);
    }

    [Fact]
    public void Skip_keeps_a_bad_payload_as_a_bad_row_and_the_replay_goes_on()
    {
        _cluster.CreateTopic("fills", 2);
        _cluster.Produce("fills",
        [
            LocalMessage.FromStrings(0, Base + 1, "a", Json(new Fill("A", 1, 1, DateTimeOffset.FromUnixTimeMilliseconds(Base + 1), null))),
            LocalMessage.FromStrings(1, Base + 2, "b", """{"symbol":"B","price":"not a number","quantity":2,"filledAt":"2026-01-01T00:00:00Z"}"""),
            LocalMessage.FromStrings(0, Base + 3, "c", Json(new Fill("C", 3, 3, DateTimeOffset.FromUnixTimeMilliseconds(Base + 3), "X"))),
        ]);

        using var consumer = new TypedConsumer<Fill>(Config(), [SourceTopic.FromEarliest("fills")]);
        var rows = PollUntilLive(consumer, out _, out var batches);

        Assert.Equal(["A", "C"], rows.Select(r => r.Symbol));
        Assert.Equal(1, consumer.BadPayloadCount);
        var error = Assert.Single(batches.SelectMany(b => b.Errors));
        Assert.Equal(("fills", 1, 0L), (error.Topic, error.Partition, error.Offset));
        Assert.Equal("'price': expected a number, got a string", error.Reason);
        Assert.Contains("not a number", Encoding.UTF8.GetString(error.RawValue!.Value.Span), StringComparison.Ordinal);
        var badRow = batches.Single(b => b.Errors.Count > 0);
        Assert.Equal(error.Reason, ((StringArray)badRow.Columns[^2]).GetString(error.Row));
        Assert.True(badRow.Columns[6].IsNull(error.Row));
    }

    [Fact]
    public void Fail_stops_at_the_bad_payload_naming_where_it_is()
    {
        _cluster.CreateTopic("fills", 1);
        _cluster.Produce("fills",
        [
            LocalMessage.FromStrings(0, Base + 1, "a", Json(new Fill("A", 1, 1, DateTimeOffset.FromUnixTimeMilliseconds(Base + 1), null))),
            LocalMessage.FromStrings(0, Base + 2, "b", """{"symbol":"B","price":2"""),
        ]);

        using var consumer = new TypedConsumer<Fill>(Config(), [SourceTopic.FromEarliest("fills")], badPayloadPolicy: BadPayloadPolicy.Fail);
        var clock = Stopwatch.StartNew();
        BadPayloadException? failure = null;
        while (failure is null && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            failure = Record.Exception(() => consumer.Poll(200).Dispose()) as BadPayloadException;
        }

        Assert.NotNull(failure);
        Assert.Equal(("fills", 0, 1L), (failure.Topic, failure.Partition, failure.Offset));
        Assert.StartsWith("malformed JSON", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("topic 'fills', partition 0, offset 1", failure.Message, StringComparison.Ordinal);
        var again = Assert.Throws<BadPayloadException>(() => consumer.Poll(0));
        Assert.Same(failure, again.InnerException);
    }

    [Fact]
    public void The_batch_has_metadata_columns_then_member_columns_then_error_columns()
    {
        _cluster.CreateTopic("fills", 1);
        _cluster.Produce("fills", [LocalMessage.FromStrings(0, Base, "k", Json(new Fill("A", 1.5, 2, DateTimeOffset.FromUnixTimeMilliseconds(Base), "X")))]);

        using var consumer = new TypedConsumer<Fill>(Config(), [SourceTopic.FromEarliest("fills")]);
        PollUntilLive(consumer, out _, out var batches);

        var expected = new[] { "key", "topic", "partition", "offset", "timestamp", "symbol", "price", "quantity", "filledAt", "venue", "_error", "_raw_value" };
        Assert.Equal(expected, consumer.Schema.FieldsList.Select(f => f.Name));
        var batch = batches.Single(b => b.Length > 0);
        Assert.Equal(expected, batch.Schema.FieldsList.Select(f => f.Name));
        Assert.Equal("k", ((StringArray)batch.Column("key")).GetString(0));
        Assert.Equal(1.5, ((DoubleArray)batch.Column("price")).GetValue(0));
    }

    private Dictionary<string, string> Config() => new() { ["bootstrap.servers"] = _cluster.BootstrapServers };

    private static readonly System.Text.Json.JsonSerializerOptions Web = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static string Json(Fill fill) => System.Text.Json.JsonSerializer.Serialize(fill, Web);

    /// <summary>Polls until live, materializing every batch's rows and records before disposing it; keeps each batch's Arrow columns and errors.</summary>
    private static List<Fill> PollUntilLive(TypedConsumer<Fill> consumer, out List<TypedRecord<string, Fill>> records, out List<PolledBatch> batches)
    {
        var rows = new List<Fill>();
        records = [];
        batches = [];
        var clock = Stopwatch.StartNew();
        while (!(consumer.IsLive && consumer.HeldMessageCount == 0))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"Not live after 60 s: {rows.Count} rows.");
            using var batch = consumer.Poll(200);
            rows.AddRange(batch.Rows);
            records.AddRange(batch.Records);
            var b = batch.RecordBatch;
            batches.Add(new PolledBatch(b.Length, b.Schema, batch.Errors, [.. Enumerable.Range(0, b.ColumnCount).Select(i => Copy(b.Column(i)))]));
        }

        return rows;
    }

    /// <summary>A copy that outlives the batch's native memory.</summary>
    private static IArrowArray Copy(IArrowArray array) => ArrowArrayFactory.BuildArray(array.Data.Clone());

    private sealed record PolledBatch(int Length, Schema Schema, IReadOnlyList<PayloadError> Errors, IArrowArray[] Columns)
    {
        public IArrowArray Column(string name) => Columns[Schema.GetFieldIndex(name)];
    }
}
