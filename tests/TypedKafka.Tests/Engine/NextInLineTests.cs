using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// Partitions resumed next in line to hold the watermark take in the room the last release left
/// under the bounds, not one message per resume (each resume is a fetch round trip), and are
/// paused at intake once that room is spent; the one message each may take after it is kept out
/// of the room, so held bytes stay within the bound.
/// </summary>
public sealed class NextInLineTests
{
    private static readonly byte[] Value = new byte[10];

    [Fact]
    public void A_partition_resumed_next_in_line_takes_the_room_left_under_the_byte_bound_then_is_paused_at_intake()
    {
        // Partition 0 is dense and ahead; 1 and 2 are sparse. 10-byte values, a 140-byte bound.
        using var engine = new OrderedMergeEngine(
            [new PartitionSpec("t", 0, 0, 100), new PartitionSpec("t", 1, 0, 100), new PartitionSpec("t", 2, 0, 100)],
            new EngineOptions(long.MaxValue, BatchSize: 10, MaxHeldBytes: 140));
        for (var offset = 0; offset < 8; offset++)
        {
            Deliver(engine, 0, offset, 100 + (offset * 10));
        }

        // Above the low mark, each partition that cannot help is paused at intake.
        Assert.True(engine.PauseAtIntake(0));
        Deliver(engine, 1, 0, 50);
        Assert.True(engine.PauseAtIntake(1));
        Deliver(engine, 2, 0, 60);
        Assert.True(engine.PauseAtIntake(2));

        // Partition 1's row goes out and 90 bytes stay held; 1 and 2 are next in line, and the room is
        // 140 - 90 less a message for each of them: 30 bytes.
        using (var batch = engine.Release())
        {
            Assert.Equal(1, batch.Length);
        }

        Assert.Equal([1, 2], engine.PartitionsToResume);
        Assert.Equal(90, engine.HeldBytes);

        var pausedAtIntake = new List<bool>();
        for (var offset = 1; offset <= 4; offset++)
        {
            Deliver(engine, 2, offset, 60 + (offset * 10));
            pausedAtIntake.Add(engine.PauseAtIntake(2));
        }

        Assert.Equal([false, false, false, true], pausedAtIntake);
        Assert.True(engine.HeldBytes <= 140 - 10, $"{engine.HeldBytes} bytes held: no room left for partition 1's one message.");
    }

    private static void Deliver(OrderedMergeEngine engine, int partition, long offset, long timestampMs) =>
        engine.Deliver(partition, offset, timestampMs, default, true, Value, false);
}
