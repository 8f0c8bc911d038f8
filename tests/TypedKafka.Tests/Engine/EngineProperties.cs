using Apache.Arrow;
using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// Invariants of the engine on random partitions, timestamps, offsets with gaps, batch sizes,
/// memory bounds and delivery schedules. A driver plays the consumer: it delivers only to
/// partitions the engine has not paused, sends end-of-partition once a partition is read to its
/// end, and polls until everything is released and live.
/// </summary>
public sealed class EngineProperties
{
    private const int Iterations = 400;
    private const int MaxValueLength = 24;

    [Fact]
    public void Every_delivered_message_is_released_exactly_once_and_the_replay_goes_live() =>
        Cases(monotonic: false).Sample(c =>
        {
            var run = Drive(c);
            var delivered = c.Partitions.SelectMany((p, i) => p.Messages.Select(m => (i, m.Offset))).Order().ToList();
            var released = run.Released.Select(r => (r.Partition, r.Offset)).Order().ToList();
            Assert.Equal(delivered, released);
            Assert.True(run.WentLive, "The engine never reported live after every partition was read to its end.");
        }, iter: Iterations);

    [Fact]
    public void Offsets_of_each_partition_are_released_in_order() =>
        Cases(monotonic: false).Sample(c =>
        {
            foreach (var group in Drive(c).Released.GroupBy(r => r.Partition))
            {
                var offsets = group.Select(r => r.Offset).ToList();
                Assert.Equal(offsets.Order(), offsets);
            }
        }, iter: Iterations);

    [Fact]
    public void Replay_releases_never_go_back_in_time_when_each_partition_is_in_time_order() =>
        Cases(monotonic: true).Sample(c =>
        {
            // Replay messages are those before the end offset and the cutoff; the rest are live and
            // go out as they arrive.
            var released = Drive(c).Released
                .Where(r => r.Offset < c.Partitions[r.Partition].EndOffset && r.TimestampMs < c.CutoffMs)
                .ToList();
            for (var i = 1; i < released.Count; i++)
            {
                Assert.True(
                    released[i].TimestampMs >= released[i - 1].TimestampMs,
                    $"Released {released[i - 1]} before {released[i]}.");
            }
        }, iter: Iterations);

    [Fact]
    public void Held_memory_exceeds_its_bounds_by_at_most_one_poll_of_intake() =>
        Cases(monotonic: false).Sample(c =>
        {
            // One poll's intake: every partition delivering as much as the consumer takes in per poll.
            // Above the bound only the partitions holding the watermark down take anything in, and
            // each of them releases all it held before it can overshoot again; besides them, the
            // partitions next in line (at most half a batch of them, each holding at most one
            // message) take what the room left under the bounds covers and then one message each, so
            // that the watermark moves over many partitions per round trip instead of one.
            var nextInLine = Math.Min(c.Partitions.Count, Math.Max(1, c.BatchSize / 2));
            var onePollMessages = (c.MaxIntake * c.Partitions.Count) + nextInLine;
            var onePollBytes = (long)onePollMessages * MaxValueLength;
            var polls = Drive(c).Polls;
            for (var i = 0; i < polls.Count; i++)
            {
                Assert.True(
                    polls[i].HeldMessages <= c.MaxHeldMessages + onePollMessages,
                    $"Poll {i}: {polls[i].HeldMessages} messages held, bound {c.MaxHeldMessages}, one poll's intake {onePollMessages}.");
                Assert.True(
                    polls[i].HeldBytes <= c.MaxHeldBytes + onePollBytes,
                    $"Poll {i}: {polls[i].HeldBytes} bytes held, bound {c.MaxHeldBytes}, one poll's intake {onePollBytes}.");
            }
        }, iter: Iterations * 5);

    public sealed record Message(long Offset, long TimestampMs, int ValueLength);

    public sealed record Partition(long StartOffset, long EndOffset, IReadOnlyList<Message> Messages)
    {
        public override string ToString() =>
            $"[{StartOffset},{EndOffset}) {string.Join(" ", Messages.Select(m => $"{m.Offset}@{m.TimestampMs}"))}";
    }

    public sealed record ReplayCase(IReadOnlyList<Partition> Partitions, int BatchSize, long CutoffMs, int MaxHeldMessages, long MaxHeldBytes, int MaxIntake, int Seed)
    {
        public override string ToString() =>
            $"batch {BatchSize}, cutoff {CutoffMs}, bounds {MaxHeldMessages} msgs/{MaxHeldBytes} B, intake <= {MaxIntake}, seed {Seed}: {string.Join(" | ", Partitions)}";
    }

    public sealed record Released(int Partition, long Offset, long TimestampMs);

    public sealed record Poll(int IntakeMessages, long IntakeBytes, int HeldMessages, long HeldBytes);

    public sealed record Run(List<Released> Released, List<Poll> Polls, bool WentLive);

    private static Gen<Partition> PartitionGen(bool monotonic) =>
        Gen.Select(
            Gen.Long[0, 5],
            Gen.Select(Gen.Int[1, 3], Gen.Long[0, 50], Gen.Int[0, MaxValueLength]).Array[0, 25],
            Gen.Int[0, 1],
            (start, steps, trailingMarkers) =>
            {
                var messages = new List<Message>();
                var offset = start - 1;
                long timestamp = 1_000;
                foreach (var (offsetStep, timeStep, valueLength) in steps)
                {
                    offset += offsetStep;
                    timestamp = monotonic ? timestamp + timeStep : 1_000 + (timeStep * 20);
                    messages.Add(new Message(offset, timestamp, valueLength));
                }

                // A transaction marker after the last message leaves the end past it.
                return new Partition(start, offset + 1 + trailingMarkers, messages);
            });

    internal static Gen<ReplayCase> Cases(bool monotonic) =>
        Gen.Select(
            PartitionGen(monotonic).Array[1, 6],
            Gen.Int[1, 20],
            Gen.OneOf(Gen.Const(long.MaxValue), Gen.Long[1_000, 2_000]),
            Gen.Int[1, 30],
            Gen.Long[1, 400],
            Gen.Int[1, 8],
            Gen.Int,
            (partitions, batchSize, cutoff, maxMessages, maxBytes, maxIntake, seed) =>
                new ReplayCase(partitions, batchSize, cutoff, maxMessages, maxBytes, maxIntake, seed));

    /// <summary>Plays a consumer against the engine until everything is released and live, or gives up.</summary>
    private static Run Drive(ReplayCase c)
    {
        var specs = c.Partitions.Select((p, i) => new PartitionSpec("t", i, p.StartOffset, p.EndOffset)).ToList();
        using var engine = new OrderedMergeEngine(specs, new EngineOptions(c.CutoffMs, c.BatchSize, c.MaxHeldMessages, c.MaxHeldBytes));
        var random = new Random(c.Seed);
        var next = new int[c.Partitions.Count];
        var endSent = new bool[c.Partitions.Count];
        var released = new List<Released>();
        var polls = new List<Poll>();
        var value = new byte[64];

        for (var round = 0; round < 10_000; round++)
        {
            var intakeMessages = 0;
            long intakeBytes = 0;
            for (var p = 0; p < c.Partitions.Count; p++)
            {
                var partition = c.Partitions[p];
                var index = engine.IndexOf("t", p);
                if (engine.IsPaused(index))
                {
                    continue;
                }

                for (var n = random.Next(c.MaxIntake + 1); n > 0 && next[p] < partition.Messages.Count; n--)
                {
                    var message = partition.Messages[next[p]++];
                    engine.Deliver(index, message.Offset, message.TimestampMs, default, true, value.AsSpan(0, message.ValueLength), false);
                    intakeMessages++;
                    intakeBytes += message.ValueLength;
                }

                if (next[p] == partition.Messages.Count && !endSent[p] && random.Next(2) == 0)
                {
                    engine.EndOfPartition(index, partition.EndOffset);
                    endSent[p] = true;
                }
            }

            using (var batch = engine.Release())
            {
                Collect(batch, released);
            }

            polls.Add(new Poll(intakeMessages, intakeBytes, engine.HeldMessageCount, engine.HeldBytes));
            if (engine.IsLive && engine.HeldMessageCount == 0 && endSent.All(sent => sent))
            {
                return new Run(released, polls, WentLive: true);
            }
        }

        return new Run(released, polls, WentLive: false);
    }

    /// <summary>Appends the batch's rows, as (partition, offset, timestamp), to <paramref name="into"/>.</summary>
    internal static void Collect(RecordBatch batch, List<Released> into)
    {
        var partitions = (Int32Array)batch.Column("partition");
        var offsets = (Int64Array)batch.Column("offset");
        var timestamps = (TimestampArray)batch.Column("timestamp");
        for (var i = 0; i < batch.Length; i++)
        {
            into.Add(new Released(partitions.GetValue(i)!.Value, offsets.GetValue(i)!.Value, timestamps.GetTimestamp(i)!.Value.ToUnixTimeMilliseconds()));
        }
    }
}
