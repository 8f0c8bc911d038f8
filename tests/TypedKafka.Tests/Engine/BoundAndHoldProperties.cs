using CsCheck;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// Invariants of bounded reads and of the live hold, on random partitions and schedules. The
/// driver plays a consumer that delivers to unpaused partitions, signals the end of a log when it
/// has delivered all that has arrived, and advances the engine clock.
/// </summary>
public sealed class BoundAndHoldProperties
{
    private const int Iterations = 400;

    [Fact]
    public void A_bounded_read_releases_exactly_the_messages_in_range_then_completes() =>
        Gen.Select(Partitions(extra: true), Gen.Int[0, 2], Gen.Long[1_000, 2_000], Gen.Int[1, 20], Gen.Int)
            .Sample((partitions, kind, boundMs, batchSize, seed) =>
            {
                // The log as the consumer will find it: the captured range, then messages produced after construction.
                var specs = partitions.Select((p, i) => kind switch
                {
                    0 => new PartitionSpec("t", i, 0, p.EndOffset, BoundOffset: p.EndOffset),
                    1 => new PartitionSpec("t", i, 0, p.EndOffset, BoundOffset: p.EndOffset, BoundMs: boundMs),
                    _ => new PartitionSpec("t", i, 0, p.EndOffset, BoundOffset: p.EndOffset / 2),
                }).ToList();
                var expected = new List<(int, long)>();
                for (var i = 0; i < partitions.Count; i++)
                {
                    foreach (var message in partitions[i].Messages)
                    {
                        if (message.Offset >= specs[i].BoundOffset || message.TimestampMs >= specs[i].BoundMs)
                        {
                            break;
                        }

                        expected.Add((i, message.Offset));
                    }
                }

                using var engine = new OrderedMergeEngine(specs, new EngineOptions(long.MaxValue, batchSize));
                var released = DriveUntil(engine, partitions, seed, () => engine.IsComplete, out var reached);
                Assert.True(reached, "The bounded read never completed.");
                Assert.Equal(expected.Order(), released.Select(r => (r.Partition, r.Offset)).Order());
                using var extra = engine.Release();
                Assert.Equal(0, extra.Length);
            }, iter: Iterations);

    [Fact]
    public void With_a_hold_live_rows_no_later_than_it_come_out_in_timestamp_order_and_none_is_dropped() =>
        Gen.Select(Gen.Int[1, 5], Gen.Select(Gen.Long[0, 30], Gen.Long[0, 100]).Array[0, 30].Array[5], Gen.Long[0, 100], Gen.Int[1, 20], Gen.Int)
            .Sample((partitionCount, schedules, holdMs, batchSize, seed) =>
            {
                // Each row arrives no later than the hold after its timestamp; offsets and timestamps grow per partition.
                var partitions = schedules.Take(partitionCount).Select(steps =>
                {
                    long timestamp = 10_000, arrival = 0;
                    var messages = new List<TimedMessage>();
                    foreach (var (timeStep, lag) in steps)
                    {
                        timestamp += timeStep;
                        arrival = Math.Max(arrival, timestamp + Math.Min(lag, holdMs));
                        messages.Add(new TimedMessage(messages.Count, timestamp, arrival));
                    }

                    return messages;
                }).ToList();
                var specs = partitions.Select((_, i) => new PartitionSpec("t", i, 0, 0)).ToList();
                using var engine = new OrderedMergeEngine(specs, new EngineOptions(0, batchSize) { LiveHoldMs = holdMs });
                var total = partitions.Sum(p => p.Count);
                var released = new List<EngineProperties.Released>();
                var next = new int[partitions.Count];
                var random = new Random(seed);
                for (long clock = 10_000; released.Count < total && clock < 20_000; clock += random.Next(1, 40))
                {
                    engine.Advance(clock);
                    for (var p = 0; p < partitions.Count; p++)
                    {
                        while (next[p] < partitions[p].Count && partitions[p][next[p]].ArrivalMs <= clock)
                        {
                            var message = partitions[p][next[p]++];
                            engine.Deliver(p, message.Offset, message.TimestampMs, default, true, default, true);
                        }

                        // All that has arrived is delivered: the consumer sees the end of the log.
                        engine.EndOfPartition(p, next[p]);
                    }

                    using var batch = engine.Release();
                    EngineProperties.Collect(batch, released);
                }

                Assert.Equal(total, released.Count);
                Assert.Equal(total, released.Distinct().Count());
                for (var i = 1; i < released.Count; i++)
                {
                    Assert.True(released[i].TimestampMs >= released[i - 1].TimestampMs, $"Released {released[i - 1]} before {released[i]}.");
                }

                Assert.Equal(0, engine.OutOfOrderReleases);
            }, iter: Iterations);

    public sealed record Message(long Offset, long TimestampMs);

    public sealed record TimedMessage(long Offset, long TimestampMs, long ArrivalMs);

    public sealed record Partition(long EndOffset, IReadOnlyList<Message> Messages)
    {
        public override string ToString() => $"end {EndOffset}: {string.Join(" ", Messages.Select(m => $"{m.Offset}@{m.TimestampMs}"))}";
    }

    /// <summary>Partitions with offset gaps and timestamps in no particular order; with <paramref name="extra"/>, messages past the end offset (produced later).</summary>
    private static Gen<List<Partition>> Partitions(bool extra) =>
        Gen.Select(Gen.Select(Gen.Int[1, 3], Gen.Long[0, 60]).Array[0, 20], Gen.Int[0, 1], Gen.Int[0, extra ? 5 : 0], (steps, trailingMarkers, later) =>
        {
            var messages = new List<Message>();
            var offset = -1L;
            foreach (var (offsetStep, timeStep) in steps)
            {
                offset += offsetStep;
                messages.Add(new Message(offset, 1_000 + (timeStep * 20)));
            }

            var end = offset + 1 + trailingMarkers;
            for (var i = 0; i < later; i++)
            {
                messages.Add(new Message(end + i, 1_000 + (i * 7)));
            }

            return new Partition(end, messages);
        }).List[1, 5];

    private static List<EngineProperties.Released> DriveUntil(OrderedMergeEngine engine, List<Partition> partitions, int seed, Func<bool> done, out bool reached)
    {
        var random = new Random(seed);
        var next = new int[partitions.Count];
        var released = new List<EngineProperties.Released>();
        for (var round = 0; round < 10_000; round++)
        {
            for (var p = 0; p < partitions.Count; p++)
            {
                if (engine.IsPaused(p))
                {
                    continue;
                }

                for (var n = random.Next(4); n > 0 && next[p] < partitions[p].Messages.Count; n--)
                {
                    var message = partitions[p].Messages[next[p]++];
                    engine.Deliver(p, message.Offset, message.TimestampMs, default, true, default, true);
                }

                if (next[p] == partitions[p].Messages.Count)
                {
                    var last = partitions[p].Messages.Count == 0 ? -1 : partitions[p].Messages[^1].Offset;
                    engine.EndOfPartition(p, Math.Max(partitions[p].EndOffset, last + 1));
                }
            }

            using (var batch = engine.Release())
            {
                EngineProperties.Collect(batch, released);
            }

            if (done())
            {
                reached = true;
                return released;
            }
        }

        reached = false;
        return released;
    }
}
