using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

public sealed class EngineConstructionTests
{
    private static readonly EngineOptions Options = new(CutoffMs: 0);

    [Fact]
    public void A_partition_listed_twice_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new OrderedMergeEngine([new("events", 3, 0, 1), new("events", 3, 0, 1)], Options));
        Assert.Contains("events[3]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replay_range_that_ends_before_it_starts_is_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new OrderedMergeEngine([new("events", 1, 10, 5)], Options));
        Assert.Contains("events[1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_partitions_is_an_error()
    {
        Assert.Throws<ArgumentException>(() => new OrderedMergeEngine([], Options));
    }

    [Theory]
    [InlineData(0, 1, 1, "BatchSize")]
    [InlineData(-5, 1, 1, "BatchSize")]
    [InlineData(10, 0, 1, "MaxHeldMessages")]
    [InlineData(10, 1, 0, "MaxHeldBytes")]
    public void Non_positive_limits_are_named(int batchSize, int maxMessages, long maxBytes, string culprit)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new OrderedMergeEngine([new("events", 0, 0, 1)], new EngineOptions(0, batchSize, maxMessages, maxBytes)));
        Assert.Equal(culprit, error.ParamName);
    }

    [Fact]
    public void An_unknown_partition_is_named()
    {
        using var engine = new OrderedMergeEngine([new("events", 0, 0, 1)], Options);
        var error = Assert.Throws<ArgumentException>(() => engine.IndexOf("events", 7));
        Assert.Contains("events[7]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_disposed_engine_refuses_work()
    {
        var engine = new OrderedMergeEngine([new("events", 0, 0, 1)], Options);
        engine.Dispose();
        Assert.Throws<ObjectDisposedException>(() => engine.Release());
        Assert.Throws<ObjectDisposedException>(() => engine.Deliver(0, 0, 0, default, true, default, true));
    }

    [Fact]
    public void A_disposed_engine_still_answers_what_its_watermark_is()
    {
        // Its trees went back to the shared pool: the watermark must not read them.
        var engine = new OrderedMergeEngine([new("events", 0, 0, 5), new("events", 1, 0, 5)], new EngineOptions(CutoffMs: long.MaxValue));
        engine.Deliver(0, 0, 10, default, true, default, true);
        engine.Deliver(1, 0, 20, default, true, default, true);
        Assert.Equal(10, engine.Watermark);
        engine.Deliver(0, 1, 30, default, true, default, true);
        engine.Dispose();
        Assert.Null(engine.Watermark);
        Assert.False(engine.PauseAtIntake(0));
    }
}
