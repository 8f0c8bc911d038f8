using System.Diagnostics;
using System.Globalization;
using System.Text;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

[KafkaMessage(NamingPolicy = KafkaNamingPolicy.CamelCase)]
public partial record Quote(string Symbol, int Index, [EventTime] DateTimeOffset QuotedAt);

/// <summary>
/// Event time on <see cref="LocalKafkaCluster"/>: rows come out in the order of a time read from
/// the payload, a header or the key, while <c>timestamp</c> stays the broker's; and a paced replay.
/// Broker times ascend with the production order; the event times order the partitions the other
/// way round, so that ordering by the broker would give a different sequence.
/// </summary>
public sealed class EventTimeTests(ITestOutputHelper output) : IDisposable
{
    private const long Base = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    private const int Partitions = 3;
    private const int PerPartition = 20;

    private readonly LocalKafkaCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    /// <summary>Message <paramref name="i"/> goes to partition i % 3, broker time Base + 10 i.</summary>
    private static long BrokerTime(int i) => Base + (i * 10L);

    /// <summary>Ascending within each partition (as offsets are), descending across partitions at each step.</summary>
    private static long EventTime(int i) => Base + 500_000 + ((i / Partitions) * 30L) + ((Partitions - 1 - (i % Partitions)) * 10L);

    [Fact]
    public void A_typed_consumer_orders_by_the_event_time_member_and_keeps_the_broker_timestamp()
    {
        var topic = Unique("quotes");
        _cluster.CreateTopic(topic, Partitions);
        var count = Partitions * PerPartition;
        var messages = Enumerable.Range(0, count)
            .Select(i => LocalMessage.FromStrings(i % Partitions, BrokerTime(i), null, $$"""{"symbol":"S{{i}}","index":{{i}},"quotedAt":"{{DateTimeOffset.FromUnixTimeMilliseconds(EventTime(i)):O}}"}"""))
            .ToList();

        // One more on partition 0, after its last, without an event time: a bad row, ordered by its broker time (after every event time).
        const long missing = Base + 1_000_000;
        messages.Add(LocalMessage.FromStrings(0, missing, null, """{"symbol":"late","index":-1}"""));
        _cluster.Produce(topic, messages);

        using var consumer = new TypedConsumer<Quote>(Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { BatchSize = 7 });
        var (rows, timestamps, eventTimes, errors) = PollUntilLive(consumer);

        var expected = Enumerable.Range(0, count).OrderBy(EventTime).ToList();
        Assert.NotEqual(Enumerable.Range(0, count), expected);
        Assert.Equal(expected, rows.Select(q => q.Index));
        Assert.Equal(expected.Select(i => DateTimeOffset.FromUnixTimeMilliseconds(EventTime(i))), rows.Select(q => q.QuotedAt));
        Assert.Equal(eventTimes.Order(), eventTimes);
        Assert.Equal(expected.Select(BrokerTime), timestamps.Where((_, row) => !errors.Any(e => e.Row == row)));

        var error = Assert.Single(errors);
        Assert.Equal((0, (long)PerPartition), (error.Partition, error.Offset));
        Assert.StartsWith("the event time is missing: [EventTime] member 'QuotedAt'", error.Reason, StringComparison.Ordinal);
        Assert.Equal(missing, eventTimes[error.Row]);
        Assert.Equal(1, consumer.BadPayloadCount);
        output.WriteLine($"{rows.Count} rows in payload-time order with their broker timestamps, 1 bad row kept aside at row {error.Row}");
    }

    [Fact]
    public void A_typed_consumer_refuses_a_second_source_of_event_time()
    {
        var e = Assert.Throws<ArgumentException>(() => new TypedConsumer<Quote>(
            Config(), [SourceTopic.FromEarliest(Unique("quotes"))], new ConsumerOptions { Timestamp = static (_, _, _) => 0 }));

        Assert.Contains("ConsumerOptions.Timestamp", e.Message, StringComparison.Ordinal);
        Assert.Contains("'QuotedAt'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consumer_manager_orders_by_a_time_read_from_a_header()
    {
        var topic = Unique("header-time");
        _cluster.CreateTopic(topic, Partitions);
        var count = Partitions * PerPartition;
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = _cluster.BootstrapServers, LingerMs = 0 }).Build())
        {
            for (var i = 0; i < count; i++)
            {
                var headers = new Headers { { "event-ms", Encoding.ASCII.GetBytes(EventTime(i).ToString(CultureInfo.InvariantCulture)) } };
                var message = new Message<Null, string> { Value = i.ToString(CultureInfo.InvariantCulture), Timestamp = new Timestamp(BrokerTime(i), TimestampType.CreateTime), Headers = headers };
                await producer.ProduceAsync(new TopicPartition(topic, i % Partitions), message);
            }
        }

        var options = new ConsumerOptions
        {
            BatchSize = 7,
            Timestamp = static (_, _, headers) => headers is not null && headers.TryGetLastBytes("event-ms", out var bytes)
                ? long.Parse(Encoding.ASCII.GetString(bytes), CultureInfo.InvariantCulture)
                : null,
        };
        using var manager = new ConsumerManager(Config(), [SourceTopic.FromEarliest(topic)], options);
        var rows = PollUntilLive(manager);

        var expected = Enumerable.Range(0, count).OrderBy(EventTime).ToList();
        Assert.NotEqual(Enumerable.Range(0, count), expected);
        Assert.Equal(expected, rows.Select(r => int.Parse(r.Value, CultureInfo.InvariantCulture)));
        Assert.Equal(expected.Select(EventTime), rows.Select(r => r.EventTime));
        Assert.Equal(expected.Select(BrokerTime), rows.Select(r => r.Timestamp));
        output.WriteLine($"{rows.Count} rows in header-time order, broker timestamps kept");
    }

    [Fact]
    public void A_consumer_manager_orders_by_a_time_read_from_the_key()
    {
        var topic = Unique("key-time");
        _cluster.CreateTopic(topic, Partitions);
        var count = Partitions * PerPartition;
        _cluster.Produce(topic, Enumerable.Range(0, count).Select(i =>
            LocalMessage.FromStrings(i % Partitions, BrokerTime(i), EventTime(i).ToString(CultureInfo.InvariantCulture), i.ToString(CultureInfo.InvariantCulture))));

        var options = new ConsumerOptions
        {
            BatchSize = 7,
            Timestamp = static (key, _, _) => long.Parse(Encoding.ASCII.GetString(key), CultureInfo.InvariantCulture),
        };
        using var manager = new ConsumerManager(Config(), [SourceTopic.FromEarliest(topic)], options);
        var rows = PollUntilLive(manager);

        var expected = Enumerable.Range(0, count).OrderBy(EventTime).ToList();
        Assert.Equal(expected, rows.Select(r => int.Parse(r.Value, CultureInfo.InvariantCulture)));
        Assert.Equal(expected.Select(EventTime), rows.Select(r => r.EventTime));
        Assert.Equal(expected.Select(BrokerTime), rows.Select(r => r.Timestamp));
    }

    [Theory]
    [InlineData(50)]
    [InlineData(0)]
    public void A_reorder_window_releases_event_times_that_go_back_within_a_partition_in_order_and_a_later_one_in_its_offset_position(int windowMs)
    {
        var topic = Unique("jitter");
        _cluster.CreateTopic(topic, Partitions);

        // Per partition, every third event time is 5 ms behind the one before (inside a 50 ms window); the partitions interleave.
        static long Jittered(int partition, int k) => Base + (k * 30L) + (partition * 7L) + (k % 3 == 2 ? -35 : 0);
        const int perPartition = 40, lateAfter = 20;
        var messages = new List<(int Partition, long EventTime)>();
        for (var k = 0; k < perPartition; k++)
        {
            for (var p = 0; p < Partitions; p++)
            {
                messages.Add((p, Jittered(p, k)));
            }

            if (k == lateAfter)
            {
                // 200 ms behind partition 0's latest: late for the window, so it keeps its offset position.
                messages.Add((0, Jittered(0, k) - 200));
            }
        }

        _cluster.Produce(topic, messages.Select((m, i) => LocalMessage.FromStrings(m.Partition, BrokerTime(i), m.EventTime.ToString(CultureInfo.InvariantCulture), i.ToString(CultureInfo.InvariantCulture))));
        var options = new ConsumerOptions
        {
            BatchSize = 11,
            MaxOutOfOrderness = TimeSpan.FromMilliseconds(windowMs),
            Timestamp = static (key, _, _) => long.Parse(Encoding.ASCII.GetString(key), CultureInfo.InvariantCulture),
        };
        using var manager = new ConsumerManager(Config(), [SourceTopic.FromEarliest(topic)], options);
        var rows = PollUntilLive(manager);

        var order = rows.Select(r => int.Parse(r.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, messages.Count), order.Order());
        var late = messages.FindIndex(m => m.EventTime == Jittered(0, lateAfter) - 200);
        var onTime = order.Where(i => i != late).Select(i => messages[i].EventTime).ToList();
        long outOfOrder = 0, latest = long.MinValue;
        foreach (var eventTime in rows.Select(r => r.EventTime))
        {
            outOfOrder += eventTime < latest ? 1 : 0;
            latest = Math.Max(latest, eventTime);
        }

        using var state = manager.PartitionState();
        Assert.Equal(outOfOrder, ((Int64Array)state.Column("out_of_order_releases")).Sum(v => v ?? 0));
        if (windowMs == 0)
        {
            // Offset order per partition: the jitter comes out of order, which the window is there to prevent.
            Assert.NotEqual(onTime.Order(), onTime);
            return;
        }

        Assert.Equal(onTime.Order(), onTime);
        var partitionZero = order.Where(i => messages[i].Partition == 0).ToList();
        var position = partitionZero.IndexOf(late);
        Assert.All(partitionZero.Take(position), i => Assert.True(i < late, $"Row {i} of partition 0, produced after the late row, came before it."));
        Assert.All(partitionZero.Skip(position + 1), i => Assert.True(i > late, $"Row {i} of partition 0, produced before the late row, came after it."));
        Assert.True(outOfOrder >= 1, "The late row was not counted.");
        output.WriteLine($"window {windowMs} ms: {rows.Count} rows, {onTime.Count} on time in event-time order, the late row at position {order.IndexOf(late)} after partition 0's earlier offsets, {outOfOrder} out-of-order releases counted");
    }

    [Fact]
    public void A_replay_paced_at_ten_times_the_recorded_speed_takes_at_least_a_tenth_of_the_recorded_span()
    {
        var topic = Unique("paced");
        _cluster.CreateTopic(topic, Partitions);

        // 10 s of history: 201 messages 50 ms apart, round-robin over the partitions. Unpaced, the
        // embedded cluster takes about 0.4 s from the first row to the last: far below the paced 1 s.
        const int count = 201;
        _cluster.Produce(topic, Enumerable.Range(0, count).Select(i => LocalMessage.FromStrings(i % Partitions, BrokerTime(i * 5), null, i.ToString(CultureInfo.InvariantCulture))));

        var options = new ConsumerOptions { Pace = ReplayPace.Recorded(10), Until = ReplayEnd.EndOffsets, BatchSize = 50 };
        using var manager = new ConsumerManager(Config(), [SourceTopic.FromEarliest(topic)], options);
        Stopwatch? sinceFirstRow = null;
        TimeSpan? lastRow = null;
        var rows = Replay.Until(manager, r =>
        {
            if (r.Count > 0)
            {
                sinceFirstRow ??= Stopwatch.StartNew();
            }

            if (r.Count == count)
            {
                lastRow ??= sinceFirstRow!.Elapsed;
            }

            return manager.IsComplete;
        });
        var elapsed = lastRow!.Value;

        Assert.Equal(Enumerable.Range(0, count).Select(i => BrokerTime(i * 5)), rows.Select(r => r.TimestampMs));

        // The recorded 10 s at 10x is 1 s after the first row; only a loose lower bound, since a busy machine is only ever slower.
        Assert.True(elapsed >= TimeSpan.FromSeconds(0.9), $"Released 10 s of history at 10x in {elapsed.TotalSeconds:F3} s.");
        output.WriteLine($"{rows.Count} rows, in order, paced at 10x: {elapsed.TotalSeconds:F3} s from the first row to the last");
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private Dictionary<string, string> Config() => new() { ["bootstrap.servers"] = _cluster.BootstrapServers };

    private static (List<Quote> Rows, List<long> Timestamps, List<long> EventTimes, List<PayloadError> Errors) PollUntilLive(TypedConsumer<Quote> consumer)
    {
        var (rows, timestamps, eventTimes, errors) = (new List<Quote>(), new List<long>(), new List<long>(), new List<PayloadError>());
        var clock = Stopwatch.StartNew();
        while (!(consumer.IsLive && consumer.HeldMessageCount == 0))
        {
            Assert.True(clock.Elapsed < Replay.Patience, $"Not live after {Replay.Patience.TotalSeconds} s: {rows.Count} rows.");
            using var batch = consumer.Poll(200);
            errors.AddRange(batch.Errors.Select(e => e with { Row = e.Row + timestamps.Count }));
            rows.AddRange(batch.Rows);
            timestamps.AddRange(((TimestampArray)batch.RecordBatch.Column("timestamp")).Values.ToArray());
            eventTimes.AddRange(((TimestampArray)batch.RecordBatch.Column("event_time")).Values.ToArray());
        }

        return (rows, timestamps, eventTimes, errors);
    }

    private static List<(long Timestamp, long EventTime, string Value)> PollUntilLive(ConsumerManager manager)
    {
        var rows = new List<(long, long, string)>();
        var clock = Stopwatch.StartNew();
        while (!(manager.IsLive && manager.HeldMessageCount == 0))
        {
            Assert.True(clock.Elapsed < Replay.Patience, $"Not live after {Replay.Patience.TotalSeconds} s: {rows.Count} rows.");
            using var batch = manager.Poll(200);
            Assert.Equal(Schemas.MessageWithEventTime.FieldsList.Select(f => f.Name), batch.Schema.FieldsList.Select(f => f.Name));
            var timestamps = (TimestampArray)batch.Column("timestamp");
            var eventTimes = (TimestampArray)batch.Column("event_time");
            var values = (BinaryArray)batch.Column("value");
            for (var i = 0; i < batch.Length; i++)
            {
                rows.Add((timestamps.Values[i], eventTimes.Values[i], Encoding.UTF8.GetString(values.GetBytes(i))));
            }
        }

        return rows;
    }
}
