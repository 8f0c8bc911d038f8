using System.Text;
using System.Text.Json;
using Apache.Arrow;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>Runs every scenario file in Scenarios/: adding a file adds a case.</summary>
public sealed class ScenarioTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "Scenarios");

    public static TheoryData<string> Files()
    {
        var files = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Folder, "*.json").Order(StringComparer.Ordinal))
        {
            files.Add(Path.GetFileName(path));
        }

        return files;
    }

    [Fact]
    public void The_suite_has_the_scenarios_the_engine_is_specified_by()
    {
        Assert.True(Files().Count >= 15, $"Only {Files().Count} scenario files in {Folder}.");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Scenario_behaves_as_written(string file)
    {
        var scenario = Scenario.Load(Path.Combine(Folder, file));
        var options = new EngineOptions(
            scenario.CutoffMs,
            scenario.BatchSize,
            scenario.MaxHeldMessages ?? EngineOptions.DefaultMaxHeldMessages,
            scenario.MaxHeldBytes ?? EngineOptions.DefaultMaxHeldBytes)
        {
            LiveHoldMs = scenario.LiveHoldMs,
            IdleTimeoutMs = scenario.IdleTimeoutMs,
            PaceSpeed = scenario.PaceSpeed,
            MaxOutOfOrdernessMs = scenario.MaxOutOfOrdernessMs ?? 0,
        };
        using var engine = new OrderedMergeEngine(
            scenario.Partitions.Select(p => new PartitionSpec(
                p.Topic, p.Partition, p.StartOffset, p.EndOffset, p.BoundOffset ?? long.MaxValue, p.BoundMs ?? long.MaxValue)),
            options,
            scenario.Topics);
        var delivered = new Dictionary<MessageRef, ScenarioMessage>();
        var released = new HashSet<MessageRef>();

        for (var stepNumber = 1; stepNumber <= scenario.Steps.Count; stepNumber++)
        {
            var step = scenario.Steps[stepNumber - 1];
            var where = $"{scenario.Name}, step {stepNumber}";
            if (step.ClockMs is { } clock)
            {
                engine.Advance(clock);
            }

            if (step.RemovePartition is { } remove)
            {
                var removed = engine.RemovePartition(remove.Topic, remove.Partition);
                if (step.ExpectDropped is { } dropped)
                {
                    Assert.True(dropped == removed.DroppedMessages, $"{where}: expected {dropped} held rows dropped, found {removed.DroppedMessages}.");
                }
            }

            if (step.AddPartition is { } add)
            {
                engine.AddPartition(new PartitionSpec(
                    add.Topic, add.Partition, add.StartOffset, add.EndOffset, add.BoundOffset ?? long.MaxValue, add.BoundMs ?? long.MaxValue));
            }

            foreach (var message in step.Deliver ?? [])
            {
                var key = message.Key is null ? null : Encoding.UTF8.GetBytes(message.Key);
                var value = ValueBytes(message);
                engine.Deliver(engine.IndexOf(message.Topic, message.Partition), message.Offset, message.TimestampMs, key, key is null, value, value is null);
                delivered[new MessageRef(message.Topic, message.Partition, message.Offset)] = message;
            }

            foreach (var eof in step.Eof ?? [])
            {
                var index = engine.IndexOf(eof.Topic, eof.Partition);
                engine.EndOfPartition(index, eof.Offset ?? engine.Partition(index).EndOffset);
            }

            using var batch = engine.Release();
            var rows = ReadRows(batch);
            foreach (var (reference, key, value) in rows)
            {
                Assert.True(delivered.TryGetValue(reference, out var source), $"{where}: released {reference}, which was never delivered.");
                Assert.True(released.Add(reference), $"{where}: released {reference} a second time.");
                Assert.Equal(source!.Key, key is null ? null : Encoding.UTF8.GetString(key));
                Assert.Equal(ValueBytes(source), value);
            }

            if (step.ExpectReleased is { } expectedReleased)
            {
                Assert.Equal(Describe(expectedReleased), Describe(rows.Select(r => r.Reference)));
            }

            if (step.ExpectIsLive is { } live)
            {
                Assert.True(live == engine.IsLive, $"{where}: expected IsLive {live}.");
            }

            if (step.ExpectIsComplete is { } complete)
            {
                Assert.True(complete == engine.IsComplete, $"{where}: expected IsComplete {complete}.");
            }

            if (step.ExpectHeld is { } held)
            {
                Assert.True(held == engine.HeldMessageCount, $"{where}: expected {held} held, found {engine.HeldMessageCount}.");
            }

            if (step.ExpectPaused is { } paused)
            {
                Assert.True(paused == engine.PausedPartitionCount, $"{where}: expected {paused} paused, found {engine.PausedPartitionCount}.");
            }

            if (step.ExpectWatermark.ValueKind != JsonValueKind.Undefined)
            {
                long? expected = step.ExpectWatermark.ValueKind == JsonValueKind.Null ? null : step.ExpectWatermark.GetInt64();
                Assert.True(expected == engine.Watermark, $"{where}: expected watermark {expected?.ToString() ?? "none"}, found {engine.Watermark?.ToString() ?? "none"}.");
            }

            if (step.ExpectState is { } expectedStates)
            {
                using var state = engine.PartitionState();
                foreach (var expected in expectedStates)
                {
                    CheckState(state, expected, where);
                }
            }
        }
    }

    private static byte[]? ValueBytes(ScenarioMessage message) =>
        message.ValueSize is { } size
            ? Enumerable.Range(0, size).Select(i => (byte)(message.Offset + i)).ToArray()
            : message.Value is null ? null : Encoding.UTF8.GetBytes(message.Value);

    private static List<(MessageRef Reference, byte[]? Key, byte[]? Value)> ReadRows(RecordBatch batch)
    {
        Assert.Same(Schemas.Message, batch.Schema);
        var keys = (BinaryArray)batch.Column("key");
        var values = (BinaryArray)batch.Column("value");
        var topics = (StringArray)batch.Column("topic");
        var partitions = (Int32Array)batch.Column("partition");
        var offsets = (Int64Array)batch.Column("offset");
        var rows = new List<(MessageRef, byte[]?, byte[]?)>();
        for (var i = 0; i < batch.Length; i++)
        {
            rows.Add((
                new MessageRef(topics.GetString(i), partitions.GetValue(i)!.Value, offsets.GetValue(i)!.Value),
                keys.IsNull(i) ? null : keys.GetBytes(i).ToArray(),
                values.IsNull(i) ? null : values.GetBytes(i).ToArray()));
        }

        return rows;
    }

    private static string Describe(IEnumerable<MessageRef> messages) =>
        string.Join(", ", messages.Select(m => $"{m.Topic}[{m.Partition}]@{m.Offset}"));

    private static void CheckState(RecordBatch state, ExpectedState expected, string where)
    {
        var topics = (StringArray)state.Column("topic");
        var partitions = (Int32Array)state.Column("partition");
        var row = Enumerable.Range(0, state.Length)
            .Single(i => topics.GetString(i) == expected.Topic && partitions.GetValue(i) == expected.Partition);
        var culprit = $"{where}, {expected.Topic}[{expected.Partition}]";
        Check(expected.ConsumedOffset, ((Int64Array)state.Column("consumed_offset")).GetValue(row), culprit, "consumed_offset");
        Check(expected.ReleasedOffset, ((Int64Array)state.Column("released_offset")).GetValue(row), culprit, "released_offset");
        Check(expected.IsLive, ((BooleanArray)state.Column("is_live")).GetValue(row), culprit, "is_live");
        Check(expected.IsPaused, ((BooleanArray)state.Column("is_paused")).GetValue(row), culprit, "is_paused");
        Check(expected.LastConsumedTimestampMs, ((TimestampArray)state.Column("last_consumed_timestamp")).GetTimestamp(row)?.ToUnixTimeMilliseconds(), culprit, "last_consumed_timestamp");
        Check(expected.HeldMessages, ((Int32Array)state.Column("held_messages")).GetValue(row), culprit, "held_messages");
        Check(expected.IsComplete, ((BooleanArray)state.Column("is_complete")).GetValue(row), culprit, "is_complete");
        Check(expected.EndBound, ((Int64Array)state.Column("end_bound")).GetValue(row), culprit, "end_bound");
        Check(expected.InBoundAfterEnd, ((Int64Array)state.Column("in_bound_after_end")).GetValue(row), culprit, "in_bound_after_end");
        Check(expected.OutOfOrderReleases, ((Int64Array)state.Column("out_of_order_releases")).GetValue(row), culprit, "out_of_order_releases");
        if (expected.Blocking is { } blocking)
        {
            // "none" expects no blocking reason; any other text must start the reason.
            var actual = ((StringArray)state.Column("blocking")).GetString(row);
            Assert.True(
                blocking == "none" ? actual is null : actual?.StartsWith(blocking, StringComparison.Ordinal) == true,
                $"{culprit}: expected blocking '{blocking}', found '{actual ?? "null"}'.");
        }
    }

    private static void Check<T>(T? expected, T? actual, string culprit, string column)
        where T : struct
    {
        if (expected is not null)
        {
            Assert.True(expected.Equals(actual), $"{culprit}: expected {column} {expected}, found {actual?.ToString() ?? "null"}.");
        }
    }
}
