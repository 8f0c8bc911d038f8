using System.Text;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Testing;
using Xunit.Abstractions;

namespace TypedKafka.IntegrationTests;

/// <summary>
/// The two intakes (librdkafka's batch call on Confluent's handle, and Confluent's Consume) read the
/// same data into the same rows, and behave the same at partition ends, under pause at intake and on errors.
/// </summary>
public sealed class IntakeTests(ITestOutputHelper output) : IDisposable
{
    private const long Base = 1_767_225_600_000;

    private readonly KafkaTarget _kafka = KafkaTarget.OnLocalCluster();

    public void Dispose() => _kafka.Dispose();

    [Fact]
    public void Both_intakes_release_the_same_rows_with_keys_values_nulls_timestamps_and_headers()
    {
        var first = _kafka.NewTopic("intake-a", 4);
        var second = _kafka.NewTopic("intake-b", 3);
        var random = new Random(21);
        _kafka.Produce(first, Enumerable.Range(0, 4_000).Select(i => Message(random, i % 4, i)));
        _kafka.Produce(second, Enumerable.Range(0, 3_000).Select(i => Message(random, i % 3, i)));

        var native = ReadAll(native: true, [SourceTopic.FromEarliest(first), SourceTopic.FromEarliest(second)], new ConsumerOptions { Until = ReplayEnd.EndOffsets, IncludeHeaders = true, BatchSize = 700 });
        var plain = ReadAll(native: false, [SourceTopic.FromEarliest(first), SourceTopic.FromEarliest(second)], new ConsumerOptions { Until = ReplayEnd.EndOffsets, IncludeHeaders = true, BatchSize = 700 });

        Assert.Equal(7_000, native.Count);
        Assert.Equal(plain, native);
        Assert.Contains(native, r => r.Contains("key=null", StringComparison.Ordinal));
        Assert.Contains(native, r => r.Contains("value=null", StringComparison.Ordinal));
        Assert.Contains(native, r => r.Contains("(h0=null)", StringComparison.Ordinal));
    }

    [Fact]
    public void Both_intakes_release_the_same_rows_from_one_topic_without_headers()
    {
        var topic = _kafka.NewTopic("intake-one", 5);
        var random = new Random(7);
        _kafka.Produce(topic, Enumerable.Range(0, 5_000).Select(i => Message(random, i % 5, i) with { Headers = null }));

        var native = ReadAll(native: true, [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets });
        var plain = ReadAll(native: false, [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Until = ReplayEnd.EndOffsets });

        Assert.Equal(5_000, native.Count);
        Assert.Equal(plain, native);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_partition_ending_in_a_transaction_marker_is_seen_at_its_end(bool native)
    {
        var topic = _kafka.NewTopic("intake-txn", 2);
        _kafka.Local!.ProduceTransaction(topic, Enumerable.Range(0, 10).Select(i => LocalMessage.FromStrings(i % 2, Base + i, $"k{i}", $"v{i}")));

        using var manager = new ConsumerManager(_kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { NativeIntake = native });
        Assert.Equal(native ? "native" : "plain", manager.Intake);
        var rows = Replay.UntilLive(manager);

        Assert.Equal(10, rows.Count);
        Replay.AssertTimeOrdered(rows);
        Assert.True(manager.IsLive);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Pause_at_intake_keeps_the_bound_and_loses_nothing_under_skew(bool native)
    {
        // Partition 0 runs far ahead in time: at a small bound it is paused while the others catch up.
        var topic = _kafka.NewTopic("intake-skew", 4);
        var messages = Enumerable.Range(0, 3_000).Select(i => LocalMessage.FromStrings(0, Base + (i * 10), null, $"ahead-{i}"))
            .Concat(Enumerable.Range(0, 3_000).Select(i => LocalMessage.FromStrings(1 + (i % 3), Base + (i * 10), $"k{i}", $"v{i}")));
        _kafka.Produce(topic, messages);

        var options = new ConsumerOptions { Until = ReplayEnd.EndOffsets, MaxHeldMessages = 400, BatchSize = 100, NativeIntake = native };
        using var manager = new ConsumerManager(_kafka.Config(), [SourceTopic.FromEarliest(topic)], options);
        Assert.Equal(native ? "native" : "plain", manager.Intake);
        var maxHeld = 0;
        var paused = 0;
        var rows = Replay.Until(manager, _ => manager.IsComplete, m =>
        {
            maxHeld = Math.Max(maxHeld, m.HeldMessageCount);
            paused = Math.Max(paused, m.PausedPartitionCount);
        });

        output.WriteLine($"{manager.Intake}: at most {maxHeld} held, {paused} paused");
        Assert.Equal(6_000, rows.Count);
        Replay.AssertEachOnceInOffsetOrder(rows);
        Replay.AssertTimeOrdered(rows);
        Assert.True(paused > 0, "No partition was paused: the bound was never reached.");
        Assert.InRange(maxHeld, 1, 400 + options.BatchSize);
    }

    [Fact]
    public void An_event_time_reader_takes_the_plain_intake_for_Confluents_headers()
    {
        var topic = _kafka.NewTopic("intake-event-time", 1);
        using var manager = new ConsumerManager(_kafka.Config(), [SourceTopic.FromEarliest(topic)], new ConsumerOptions { Timestamp = (_, _, _) => null, NativeIntake = true });

        Assert.Equal("plain", manager.Intake);
    }

    [Fact]
    public void The_batch_intake_is_the_default_unless_the_plain_one_is_asked_for()
    {
        var topic = _kafka.NewTopic("intake-default", 1);
        using var manager = new ConsumerManager(_kafka.Config(), [SourceTopic.FromEarliest(topic)]);

        Assert.Equal(Environment.GetEnvironmentVariable("TYPEDKAFKA_INTAKE") == "plain" ? "plain" : "native", manager.Intake);
    }

    private static LocalMessage Message(Random random, int partition, int i)
    {
        var key = random.Next(5) == 0 ? null : random.Next(7) == 0 ? [] : Encoding.UTF8.GetBytes($"key-{i}");
        var value = random.Next(6) == 0 ? null : random.Next(9) == 0 ? [] : RandomBytes(random, random.Next(1, 300));
        IReadOnlyList<KeyValuePair<string, byte[]?>>? headers = random.Next(3) switch
        {
            0 => null,
            1 => [new("h0", null)],
            _ => [new("trace", RandomBytes(random, 8)), new("trace", []), new("tenant", Encoding.UTF8.GetBytes($"{i % 5}"))],
        };
        return new LocalMessage(partition, Base + random.Next(0, 100_000), key, value) { Headers = headers };
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private List<string> ReadAll(bool native, SourceTopic[] topics, ConsumerOptions options)
    {
        using var manager = new ConsumerManager(_kafka.Config(), topics, options with { NativeIntake = native });
        Assert.Equal(native ? "native" : "plain", manager.Intake);
        var rows = new List<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!manager.IsComplete)
        {
            Assert.True(clock.Elapsed < Replay.Patience, $"Gave up after {rows.Count} rows.");
            using var batch = manager.Poll(200);
            rows.AddRange(Describe(batch));
        }

        return rows;
    }

    /// <summary>Every column of every row, bytes in hex, null as null.</summary>
    private static IEnumerable<string> Describe(RecordBatch batch)
    {
        var keys = (BinaryArray)batch.Column("key");
        var values = (BinaryArray)batch.Column("value");
        var topics = (StringArray)batch.Column("topic");
        var partitions = (Int32Array)batch.Column("partition");
        var offsets = (Int64Array)batch.Column("offset");
        var timestamps = (TimestampArray)batch.Column("timestamp");
        var headers = batch.Schema.GetFieldIndex("headers") >= 0 ? (ListArray)batch.Column("headers") : null;
        for (var i = 0; i < batch.Length; i++)
        {
            var text = new StringBuilder()
                .Append($"{topics.GetString(i)}[{partitions.GetValue(i)}]@{offsets.GetValue(i)} t={timestamps.GetTimestamp(i)!.Value.ToUnixTimeMilliseconds()}")
                .Append(" key=").Append(keys.IsNull(i) ? "null" : Convert.ToHexString(keys.GetBytes(i)))
                .Append(" value=").Append(values.IsNull(i) ? "null" : Convert.ToHexString(values.GetBytes(i)));
            if (headers is not null)
            {
                var entries = (StructArray)headers.GetSlicedValues(i);
                var names = (StringArray)entries.Fields[0];
                var data = (BinaryArray)entries.Fields[1];
                text.Append(" headers=(")
                    .Append(string.Join(",", Enumerable.Range(0, entries.Length).Select(h => $"{names.GetString(h)}={(data.IsNull(h) ? "null" : Convert.ToHexString(data.GetBytes(h)))}")))
                    .Append(')');
            }

            yield return text.ToString();
        }
    }
}
