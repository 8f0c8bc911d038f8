using Apache.Arrow;
using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>A message without a timestamp is never dropped: it takes its partition's stream time, and it is counted.</summary>
public sealed class UntimedMessageTests
{
    [Fact]
    public void An_untimed_message_takes_its_partitions_stream_time_and_is_counted()
    {
        using var engine = new OrderedMergeEngine([new("events", 0, 0, 3), new("events", 1, 0, 1)], new EngineOptions(long.MaxValue));
        engine.Deliver(0, 0, 500, default, true, [1], false);
        engine.DeliverWithoutTimestamp(0, 1, default, true, [2], false);
        engine.Deliver(0, 2, 400, default, true, [3], false);
        engine.Deliver(1, 0, 450, default, true, [4], false);

        using var batch = engine.Release();
        var offsets = (Int64Array)batch.Column("offset");
        var timestamps = (TimestampArray)batch.Column("timestamp");
        Assert.Equal(4, batch.Length);
        var untimed = Enumerable.Range(0, 4).Single(i => offsets.GetValue(i) == 1 && ((Int32Array)batch.Column("partition")).GetValue(i) == 0);
        Assert.Equal(500, timestamps.GetTimestamp(untimed)!.Value.ToUnixTimeMilliseconds());

        using var state = engine.PartitionState();
        Assert.Equal([1L, 0L], Enumerable.Range(0, 2).Select(i => ((Int64Array)state.Column("untimed_messages")).GetValue(i)!.Value));
    }

    [Fact]
    public void An_untimed_first_message_takes_the_watermark()
    {
        using var engine = new OrderedMergeEngine([new("events", 0, 0, 5), new("events", 1, 0, 5)], new EngineOptions(long.MaxValue));
        engine.Deliver(0, 0, 700, default, true, [1], false);
        engine.Deliver(1, 0, 300, default, true, [1], false);
        engine.DeliverWithoutTimestamp(1, 1, default, true, [2], false);

        using var batch = engine.Release();
        Assert.Equal([300L, 300L], Enumerable.Range(0, batch.Length).Select(i => ((TimestampArray)batch.Column("timestamp")).GetTimestamp(i)!.Value.ToUnixTimeMilliseconds()));
    }
}
