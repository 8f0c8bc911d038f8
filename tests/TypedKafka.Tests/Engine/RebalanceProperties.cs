using CsCheck;
using TypedKafka.Engine;
using static TypedKafka.Tests.Engine.EngineProperties;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// The engine as a consumer group member sees it: partitions are revoked (held rows dropped, the
/// released offset committed) and gained back from the committed offset at random moments, between
/// deliveries and polls. Whatever the schedule, every message is released exactly once, each
/// partition's offsets go forward, and the held count is what was delivered and neither released nor dropped.
/// </summary>
public sealed class RebalanceProperties
{
    [Fact]
    public void Revoking_and_regaining_partitions_from_the_committed_offset_releases_every_message_exactly_once_in_offset_order() =>
        Cases(monotonic: false).Select(Gen.Int[0, 4], (c, churn) => (Case: c, Churn: churn)).Sample(t =>
        {
            var (c, churn) = t;
            var specs = c.Partitions.Select((p, i) => new PartitionSpec("t", i, p.StartOffset, p.EndOffset)).ToList();

            // Odd partitions start unassigned: a member that joins late, and an engine that may start empty.
            using var engine = new OrderedMergeEngine(specs.Where(s => s.Partition % 2 == 0), new EngineOptions(c.CutoffMs, c.BatchSize, c.MaxHeldMessages, c.MaxHeldBytes), ["t"]);
            var random = new Random(c.Seed);
            var committed = specs.Select(s => s.StartOffset).ToArray();
            var next = new int[specs.Count];
            var released = new List<Released>();
            var value = new byte[64];
            long dropped = 0;

            for (var round = 0; round < 10_000; round++)
            {
                for (var p = 0; p < specs.Count; p++)
                {
                    if (engine.Holds("t", p) && random.Next(10) < churn)
                    {
                        var removed = engine.RemovePartition("t", p);
                        committed[p] = Math.Max(committed[p], removed.ReleasedOffset + 1);
                        dropped += removed.DroppedMessages;
                    }
                    else if (!engine.Holds("t", p) && (random.Next(10) >= churn || round > 5_000))
                    {
                        // Gained from the committed offset: the fetch position goes back there.
                        engine.AddPartition(specs[p] with { StartOffset = committed[p] });
                        next[p] = c.Partitions[p].Messages.TakeWhile(m => m.Offset < committed[p]).Count();
                    }

                    if (!engine.Holds("t", p))
                    {
                        continue;
                    }

                    var index = engine.IndexOf("t", p);
                    var messages = c.Partitions[p].Messages;
                    for (var n = engine.IsPaused(index) ? 0 : random.Next(c.MaxIntake + 1); n > 0 && next[p] < messages.Count; n--)
                    {
                        var message = messages[next[p]++];
                        engine.Deliver(index, message.Offset, message.TimestampMs, default, true, value.AsSpan(0, message.ValueLength), false);
                    }

                    if (next[p] == messages.Count && random.Next(2) == 0)
                    {
                        engine.EndOfPartition(index, c.Partitions[p].EndOffset);
                    }
                }

                using (var batch = engine.Release())
                {
                    Collect(batch, released);
                }

                var delivered = Enumerable.Range(0, specs.Count).Where(p => engine.Holds("t", p))
                    .Sum(p => c.Partitions[p].Messages.Take(next[p]).Count(m => m.Offset > engine.ReleasedOffset(engine.IndexOf("t", p))));
                Assert.True(delivered == engine.HeldMessageCount, $"Round {round}: {engine.HeldMessageCount} held, but {delivered} delivered and not released.");
                if (round > 5_000 && engine.PartitionCount == specs.Count && engine.IsLive && engine.HeldMessageCount == 0
                    && Enumerable.Range(0, specs.Count).All(p => next[p] == c.Partitions[p].Messages.Count))
                {
                    break;
                }
            }

            var expected = c.Partitions.SelectMany((p, i) => p.Messages.Select(m => (i, m.Offset))).Order().ToList();
            Assert.Equal(expected, released.Select(r => (r.Partition, r.Offset)).Order().ToList());
            foreach (var group in released.GroupBy(r => r.Partition))
            {
                var offsets = group.Select(r => r.Offset).ToList();
                Assert.Equal(offsets.Order(), offsets);
            }

            Assert.Equal(dropped, engine.DroppedOnRemoval);
        }, iter: 300);
}
