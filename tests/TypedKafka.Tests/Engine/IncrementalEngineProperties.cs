using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// The engine keeps heaps and change lists across releases instead of scanning every partition;
/// these properties check it against <see cref="ReferenceEngine"/>, which scans, after every step of
/// random schedules: the same rows in the same order, the same pauses and resumes (also at intake),
/// the same watermark, held counts, live and complete flags and next due time. The schedules mix
/// what changes a partition's place in those structures: deliveries with tied and out-of-order
/// timestamps, a reorder window, ends of log, pauses, time bounds, idle timeouts, a live hold, and
/// partitions revoked and regained.
/// </summary>
public sealed class IncrementalEngineProperties
{
    public sealed record Message(long Offset, long TimestampMs, int ValueLength);

    public sealed record Log(string Topic, int Partition, long StartOffset, long EndOffset, long BoundOffset, long BoundMs, IReadOnlyList<Message> Messages)
    {
        internal PartitionSpec Spec => new(Topic, Partition, StartOffset, EndOffset, BoundOffset, BoundMs);

        public override string ToString() =>
            $"{Topic}[{Partition}] [{StartOffset},{EndOffset}) bound {BoundOffset}/{BoundMs}: {string.Join(" ", Messages.Select(m => $"{m.Offset}@{m.TimestampMs}"))}";
    }

    public sealed record Options(int BatchSize, long CutoffMs, int MaxHeldMessages, long MaxHeldBytes, int LogChunkBytes, long ReorderMs, long? IdleMs, long? HoldMs, bool Clocked, int Churn, int Seed)
    {
        internal EngineOptions Engine => new(CutoffMs, BatchSize, MaxHeldMessages, MaxHeldBytes)
        {
            LogChunkBytes = LogChunkBytes,
            MaxOutOfOrdernessMs = ReorderMs,
            IdleTimeoutMs = Clocked ? IdleMs : null,
            LiveHoldMs = Clocked ? HoldMs : null,
        };
    }

    [Fact]
    public void Releases_pauses_and_flags_match_a_reference_that_scans_every_partition() =>
        Gen.Select(Logs, OptionsGen).Sample((logs, options) => Compare(logs, options), iter: 1_500);

    [Fact]
    public void Many_partitions_with_tied_timestamps_match_the_reference() =>
        Gen.Select(Logs.Select(l => l.Concat(l.Select(x => x with { Topic = x.Topic + "2" })).Concat(l.Select(x => x with { Partition = x.Partition + 10 })).ToList()), OptionsGen)
            .Sample((logs, options) => Compare(logs, options), iter: 300);

    private static Gen<List<Log>> Logs =>
        Gen.Select(
            Gen.Select(
                Gen.Long[0, 3],
                Gen.Select(Gen.Int[1, 2], Gen.Long[-2, 3], Gen.Int[0, 24]).Array[0, 12],
                Gen.Int[0, 1],
                Gen.Int[0, 3],
                Gen.Long[1_000, 1_030])
            .Array[1, 8],
            Gen.Bool,
            (partitions, twoTopics) => partitions.Select((p, i) =>
            {
                var (start, steps, trailing, boundKind, boundMs) = p;
                var messages = new List<Message>();
                var offset = start - 1;

                // Small steps, some back in time: many ties within and across partitions, and late rows.
                long timestamp = 1_000;
                foreach (var (offsetStep, timeStep, valueLength) in steps)
                {
                    offset += offsetStep;
                    timestamp = Math.Max(990, timestamp + timeStep);
                    messages.Add(new Message(offset, timestamp, valueLength));
                }

                var end = offset + 1 + trailing;
                return new Log(
                    twoTopics && i % 2 == 1 ? "b" : "a",
                    i,
                    start,
                    end,
                    boundKind == 1 ? start + ((end - start) / 2) : long.MaxValue,
                    boundKind == 2 ? boundMs : long.MaxValue,
                    messages);
            }).ToList());

    private static Gen<Options> OptionsGen =>
        Gen.Select(
            // A log chunk of a few bytes comes round every few rows: rows move out of it all the time.
            Gen.Select(Gen.Int[1, 12], Gen.OneOf(Gen.Const(long.MaxValue), Gen.Long[1_000, 1_030]), Gen.Int[1, 20], Gen.Long[1, 200], Gen.OneOf(Gen.Const(BufferPools.ChunkSize), Gen.Int[1, 40])),
            Gen.Select(Gen.OneOf(Gen.Const(0L), Gen.Long[1, 10]), Gen.OneOf(Gen.Const((long?)null), Gen.Long[5, 40].Select(l => (long?)l)), Gen.OneOf(Gen.Const((long?)null), Gen.Long[0, 20].Select(l => (long?)l)), Gen.Bool),
            Gen.Int[0, 3],
            Gen.Int,
            (limits, time, churn, seed) => new Options(limits.Item1, limits.Item2, limits.Item3, limits.Item4, limits.Item5, time.Item1, time.Item2, time.Item3, time.Item4, churn, seed));

    private static void Compare(List<Log> logs, Options options)
    {
        var topics = logs.Select(l => l.Topic).Distinct().ToList();
        var random = new Random(options.Seed);
        var initial = logs.Where((_, i) => options.Churn == 0 || i % 2 == 0).Select(l => l.Spec).ToList();
        using var engine = new OrderedMergeEngine(initial, options.Engine, topics);
        using var reference = new ReferenceEngine(initial, options.Engine, topics);
        var next = new int[logs.Count];
        var committed = logs.Select(l => l.StartOffset).ToArray();
        var now = 1_000_000L;

        for (var round = 0; round < 2_000; round++)
        {
            if (options.Clocked)
            {
                now += random.Next(15);
                engine.Advance(now);
                reference.Advance(now);
            }

            foreach (var i in Enumerable.Range(0, logs.Count).OrderBy(_ => random.Next()))
            {
                var log = logs[i];
                var held = engine.Holds(log.Topic, log.Partition);
                if (held && random.Next(12) < options.Churn)
                {
                    var removed = engine.RemovePartition(log.Topic, log.Partition);
                    reference.RemovePartition(log.Topic, log.Partition);
                    committed[i] = Math.Max(committed[i], removed.ReleasedOffset + 1);
                    continue;
                }

                if (!held && (random.Next(12) >= options.Churn || round > 1_000))
                {
                    var spec = log.Spec with { StartOffset = committed[i], EndOffset = Math.Max(log.EndOffset, committed[i]) };
                    engine.AddPartition(spec);
                    reference.AddPartition(spec);
                    next[i] = log.Messages.TakeWhile(m => m.Offset < committed[i]).Count();
                }

                if (!engine.Holds(log.Topic, log.Partition) || random.Next(4) == 0)
                {
                    continue;
                }

                var index = engine.IndexOf(log.Topic, log.Partition);
                Assert.Equal(reference.Partition(index), engine.Partition(index));
                Assert.Equal(reference.IsPaused(index), engine.IsPaused(index));
                for (var n = engine.IsPaused(index) ? 0 : random.Next(4); n > 0 && next[i] < log.Messages.Count; n--)
                {
                    var message = log.Messages[next[i]++];
                    engine.Deliver(index, message.Offset, message.TimestampMs, default, true, new byte[message.ValueLength], false);
                    reference.Deliver(index, message.Offset, message.TimestampMs, message.ValueLength);
                    var pausedByEngine = engine.PauseAtIntake(index);
                    Assert.True(reference.PauseAtIntake(index) == pausedByEngine, $"Round {round}: pause at intake of {log.Topic}[{log.Partition}] differs.");
                    if (pausedByEngine)
                    {
                        break;
                    }
                }

                if (next[i] == log.Messages.Count && random.Next(3) == 0)
                {
                    engine.EndOfPartition(index, log.EndOffset);
                    reference.EndOfPartition(index, log.EndOffset);
                }
            }

            Assert.Equal(reference.Watermark, engine.Watermark);
            Assert.Equal(reference.NextDueMs(), engine.NextDueMs());
            var expected = reference.Release();
            using (var batch = engine.Release())
            {
                Assert.Equal(expected.Select(r => (reference.Partition(r.Partition).Topic, reference.Partition(r.Partition).Partition, r.Offset)), Rows(batch));
            }

            Assert.Equal(reference.ToPause, engine.PartitionsToPause);
            Assert.Equal(reference.ToResume, engine.PartitionsToResume);
            Assert.Equal(reference.HeldMessageCount, engine.HeldMessageCount);
            Assert.Equal(reference.HeldBytes, engine.HeldBytes);
            Assert.Equal(reference.IsLive, engine.IsLive);
            Assert.Equal(reference.IsComplete, engine.IsComplete);
            Assert.Equal(Enumerable.Range(0, reference.PartitionCount).Count(reference.IsPaused), engine.PausedPartitionCount);
            if (round > 1_000 && engine.PartitionCount == logs.Count && engine.IsLive && engine.HeldMessageCount == 0
                && Enumerable.Range(0, logs.Count).All(i => next[i] == logs[i].Messages.Count))
            {
                return;
            }
        }
    }

    private static List<(string Topic, int Partition, long Offset)> Rows(Apache.Arrow.RecordBatch batch)
    {
        var topics = (Apache.Arrow.StringArray)batch.Column("topic");
        var partitions = (Apache.Arrow.Int32Array)batch.Column("partition");
        var offsets = (Apache.Arrow.Int64Array)batch.Column("offset");
        return Enumerable.Range(0, batch.Length).Select(i => (topics.GetString(i), partitions.GetValue(i)!.Value, offsets.GetValue(i)!.Value)).ToList();
    }
}
