using System.Text;
using Apache.Arrow;
using TypedKafka.Testing;

namespace TypedKafka.IntegrationTests.Formats;

/// <summary>ConsumerOptions.IncludeHeaders: a headers column, last, with order, repeated keys and null values kept.</summary>
public sealed class HeadersTests : IDisposable
{
    private readonly KafkaTarget _kafka = KafkaTarget.OnLocalCluster();

    public void Dispose() => _kafka.Dispose();

    [Fact]
    public void Headers_keep_their_order_repeated_keys_and_null_values()
    {
        var topic = _kafka.NewTopic("headers", 2);
        _kafka.Produce(topic, [
            LocalMessage.FromStrings(0, 1000, "a", "one") with
            {
                Headers = [new("trace", Encoding.UTF8.GetBytes("t-1")), new("tenant", null), new("trace", Encoding.UTF8.GetBytes("t-2"))],
            },
            LocalMessage.FromStrings(1, 2000, "b", "two"),
            LocalMessage.FromStrings(0, 3000, "c", "three") with { Headers = [new("empty", [])] },
        ]);

        using var manager = new ConsumerManager(_kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets, IncludeHeaders = true });
        var batches = FormatHarness.ReadAll(manager);
        try
        {
            var rows = batches.SelectMany(HeaderRows).ToList();
            Assert.Equal(
                [
                    [("trace", "t-1"), ("tenant", null), ("trace", "t-2")],
                    [],
                    [("empty", "")],
                ],
                rows);
            Assert.All(batches, b => Assert.Equal("headers", b.Schema.FieldsList[^1].Name));
            Assert.Equal(Schemas.Message.FieldsList.Select(f => f.Name).Append("headers"), batches[0].Schema.FieldsList.Select(f => f.Name));
            Assert.Equal(manager.Schema.ToString(), batches[0].Schema.ToString());
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Without_the_option_there_is_no_headers_column()
    {
        var topic = _kafka.NewTopic("no-headers", 1);
        _kafka.Produce(topic, [LocalMessage.FromStrings(0, 1000, "a", "one") with { Headers = [new("trace", [1])] }]);

        using var manager = new ConsumerManager(_kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets });
        using var batch = Assert.Single(FormatHarness.ReadAll(manager));
        Assert.Equal(-1, batch.Schema.GetFieldIndex("headers"));
        Assert.Equal(Schemas.Message.FieldsList.Count, batch.ColumnCount);
    }

    [Fact]
    public void A_typed_consumer_keeps_the_headers_column_last()
    {
        var topic = _kafka.NewTopic("typed-headers", 1);
        _kafka.Produce(topic, [
            LocalMessage.FromStrings(0, 1000, "a", """{"symbol":"X","price":1.5,"quantity":2,"filledAt":"2026-01-01T00:00:00Z","venue":null}""") with
            {
                Headers = [new("source", Encoding.UTF8.GetBytes("desk-1"))],
            },
            LocalMessage.FromStrings(0, 2000, "b", "not json"),
        ]);

        using var consumer = new TypedConsumer<Fill>(_kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets, IncludeHeaders = true });
        var batches = new List<TypedBatch<Fill>>();
        while (!consumer.IsComplete)
        {
            batches.Add(consumer.Poll(200));
        }

        try
        {
            var batch = Assert.Single(batches, b => b.RecordBatch.Length > 0);
            Assert.Equal(["_error", "_raw_value", "headers"], batch.RecordBatch.Schema.FieldsList.TakeLast(3).Select(f => f.Name));
            Assert.Equal([[("source", "desk-1")], []], HeaderRows(batch.RecordBatch));
            Assert.Equal(1.5, Assert.Single(batch.Rows).Price);
            Assert.Single(batch.Errors);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void Header_members_of_a_typed_record_are_read_without_IncludeHeaders_and_a_missing_one_is_a_bad_row()
    {
        var topic = _kafka.NewTopic("typed-header-members", 2);
        _kafka.Produce(topic, [
            LocalMessage.FromStrings(0, 1000, "a", """{"symbol":"X"}""") with
            {
                Headers = [new("tenant", Encoding.UTF8.GetBytes("1")), new("trace-id", Encoding.UTF8.GetBytes("t-1")), new("tenant", Encoding.UTF8.GetBytes("2"))],
            },
            LocalMessage.FromStrings(1, 2000, "b", """{"symbol":"Y"}""") with { Headers = [new("tenant", Encoding.UTF8.GetBytes("3"))] },
            LocalMessage.FromStrings(0, 3000, "c", """{"symbol":"Z"}"""),
        ]);

        using var consumer = new TypedConsumer<TracedOrder>(_kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets });
        var batches = new List<TypedBatch<TracedOrder>>();
        while (!consumer.IsComplete)
        {
            batches.Add(consumer.Poll(200));
        }

        try
        {
            Assert.Equal(-1, consumer.Schema.GetFieldIndex("headers"));
            Assert.All(batches, b => Assert.Equal(-1, b.RecordBatch.Schema.GetFieldIndex("headers")));
            Assert.Equal(3, batches.Sum(b => b.Length));
            Assert.Equal([("X", 2, "t-1"), ("Y", 3, null)], batches.SelectMany(b => b.Rows.Select(r => (r.Symbol, r.Tenant, r.TraceId))));
            var error = Assert.Single(batches.SelectMany(b => b.Errors));
            Assert.Equal((topic, 0, 1L), (error.Topic, error.Partition, error.Offset));
            Assert.Equal("'Tenant': header 'tenant' is missing, and the member is not nullable", error.Reason);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    private static IEnumerable<List<(string, string?)>> HeaderRows(RecordBatch batch)
    {
        var headers = (ListArray)batch.Column("headers");
        for (var row = 0; row < batch.Length; row++)
        {
            var entries = (StructArray)headers.GetSlicedValues(row);
            var keys = (StringArray)entries.Fields[0];
            var values = (BinaryArray)entries.Fields[1];
            yield return [.. Enumerable.Range(0, entries.Length).Select(i => (keys.GetString(i), values.IsNull(i) ? null : Encoding.UTF8.GetString(values.GetBytes(i))))];
        }
    }
}

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record TracedOrder(string Symbol, [KafkaHeader("tenant")] int Tenant, [KafkaHeader("trace-id")] string? TraceId);
