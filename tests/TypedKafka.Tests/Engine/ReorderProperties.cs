using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// Invariants of the reorder window (<see cref="EngineOptions.MaxOutOfOrdernessMs"/>) on random
/// partitions and schedules: the driver delivers a few messages to each unpaused partition per
/// round, signals the end of a log once all of it is delivered, and releases after every round.
/// </summary>
public sealed class ReorderProperties
{
    private const int Iterations = 400;

    [Fact]
    public void Replayed_rows_no_further_back_than_the_window_come_out_in_timestamp_order_across_partitions() =>
        Gen.Select(Gen.Long[0, 100], Gen.Long[-100, 60].Array[0, 25].Array[1, 5], Gen.Int[1, 20], Gen.Int[2, 40], Gen.Int)
            .Sample((windowMs, steps, batchSize, maxHeld, seed) =>
            {
                var partitions = WithinWindow(steps, windowMs);
                var released = Drive(partitions, windowMs, batchSize, maxHeld, seed, out var engine);
                using (engine)
                {
                    for (var i = 1; i < released.Count; i++)
                    {
                        Assert.True(released[i].TimestampMs >= released[i - 1].TimestampMs, $"Released {released[i - 1]} before {released[i]}.");
                    }

                    Assert.Equal(0, engine.OutOfOrderReleases);
                }
            }, iter: Iterations);

    [Fact]
    public void A_row_further_back_than_the_window_keeps_its_offset_position_nothing_is_dropped_and_out_of_order_rows_are_counted() =>
        Gen.Select(Gen.Long[0, 100], Gen.Long[0, 400].Array[0, 25].Array[1, 5], Gen.Int[1, 20], Gen.Int[2, 40], Gen.Int)
            .Sample((windowMs, timestamps, batchSize, maxHeld, seed) =>
            {
                var partitions = timestamps.Select(partition => partition.Select((timestamp, offset) => new Message(offset, 1_000 + timestamp)).ToList()).ToList();
                var released = Drive(partitions, windowMs, batchSize, maxHeld, seed, out var engine);
                using (engine)
                {
                    // Counted: every row released after a row stamped later.
                    long outOfOrder = 0, latest = long.MinValue;
                    foreach (var row in released)
                    {
                        outOfOrder += row.TimestampMs < latest ? 1 : 0;
                        latest = Math.Max(latest, row.TimestampMs);
                    }

                    Assert.Equal(outOfOrder, engine.OutOfOrderReleases);

                    // A late row goes out after every row of its partition before it and before every row after it.
                    for (var p = 0; p < partitions.Count; p++)
                    {
                        var order = released.Where(r => r.Partition == p).Select(r => r.Offset).ToList();
                        var streamTime = long.MinValue;
                        foreach (var message in partitions[p])
                        {
                            var late = streamTime != long.MinValue && message.TimestampMs < streamTime - windowMs;
                            streamTime = Math.Max(streamTime, message.TimestampMs);
                            if (late)
                            {
                                var position = order.IndexOf(message.Offset);
                                Assert.All(order.Take(position), offset => Assert.True(offset < message.Offset, $"Partition {p}: {offset} released before late row {message.Offset} although it came later."));
                                Assert.All(order.Skip(position + 1), offset => Assert.True(offset > message.Offset, $"Partition {p}: {offset} released after late row {message.Offset} although it came before."));
                            }
                        }
                    }
                }
            }, iter: Iterations);

    [Fact]
    public void A_replay_releases_the_same_sequence_however_deliveries_and_polls_fall_ties_included() =>
        Gen.Select(Gen.Long[0, 20], Gen.Long[-20, 3].Array[0, 25].Array[1, 5], Gen.Select(Gen.Int[1, 20], Gen.Int[2, 40], Gen.Int), Gen.Select(Gen.Int[1, 20], Gen.Int[2, 40], Gen.Int))
            .Sample((windowMs, steps, first, second) =>
            {
                // Timestamps a few ms apart, so that partitions tie often.
                var partitions = WithinWindow(steps, windowMs);
                var one = Drive(partitions, windowMs, first.Item1, first.Item2, first.Item3, out var engineOne);
                var other = Drive(partitions, windowMs, second.Item1, second.Item2, second.Item3, out var engineOther);
                engineOne.Dispose();
                engineOther.Dispose();
                Assert.Equal(one.Select(r => (r.Partition, r.Offset)), other.Select(r => (r.Partition, r.Offset)));
            }, iter: Iterations);

    /// <summary>
    /// Replays the partitions to the end and checks what holds whatever the timestamps: every row
    /// is released once, and after every release the released offset of a partition covers only
    /// rows that were released (it is what a consumer may commit).
    /// </summary>
    private static List<EngineProperties.Released> Drive(List<List<Message>> partitions, long windowMs, int batchSize, int maxHeld, int seed, out OrderedMergeEngine engine)
    {
        var specs = partitions.Select((p, i) => new PartitionSpec("t", i, 0, p.Count)).ToList();
        engine = new OrderedMergeEngine(specs, new EngineOptions(long.MaxValue, batchSize, maxHeld) { MaxOutOfOrdernessMs = windowMs });
        var random = new Random(seed);
        var next = new int[partitions.Count];
        var released = new List<EngineProperties.Released>();
        var releasedOffsets = partitions.Select(_ => new HashSet<long>()).ToList();
        for (var round = 0; round < 10_000 && !engine.IsLive; round++)
        {
            for (var p = 0; p < partitions.Count; p++)
            {
                for (var n = random.Next(4); n > 0 && !engine.IsPaused(p) && next[p] < partitions[p].Count; n--)
                {
                    var message = partitions[p][next[p]++];
                    engine.Deliver(p, message.Offset, message.TimestampMs, default, true, default, true);
                }

                if (next[p] == partitions[p].Count)
                {
                    engine.EndOfPartition(p, partitions[p].Count);
                }
            }

            var before = released.Count;
            using (var batch = engine.Release())
            {
                EngineProperties.Collect(batch, released);
            }

            foreach (var row in released.Skip(before))
            {
                Assert.True(releasedOffsets[row.Partition].Add(row.Offset), $"Released {row} twice.");
            }

            for (var p = 0; p < partitions.Count; p++)
            {
                for (var offset = 0L; offset <= engine.ReleasedOffset(p); offset++)
                {
                    Assert.True(releasedOffsets[p].Contains(offset), $"Partition {p}: released offset {engine.ReleasedOffset(p)} covers {offset}, still held.");
                }
            }
        }

        Assert.True(engine.IsLive, "The replay never went live.");
        Assert.Equal(partitions.Sum(p => p.Count), released.Count);
        Assert.Equal(0, engine.HeldMessageCount);
        return released;
    }

    /// <summary>Partitions whose timestamps move by the given steps, each at most the window behind the largest before it in its partition.</summary>
    private static List<List<Message>> WithinWindow(long[][] steps, long windowMs) =>
        steps.Select(partitionSteps =>
        {
            long streamTime = 1_000, previous = 1_000;
            return partitionSteps.Select((step, offset) =>
            {
                previous = Math.Max(streamTime - windowMs, previous + step);
                streamTime = Math.Max(streamTime, previous);
                return new Message(offset, previous);
            }).ToList();
        }).ToList();

    private sealed record Message(long Offset, long TimestampMs);
}
