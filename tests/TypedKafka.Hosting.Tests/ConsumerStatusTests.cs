using Apache.Arrow;
using TypedKafka.Hosting.Runtime;

namespace TypedKafka.Hosting.Tests;

/// <summary>What the host reads out of partition state each poll: idle partitions (logged once per change), out-of-order and lost counts.</summary>
public sealed class ConsumerStatusTests
{
    [Fact]
    public void A_partition_turning_idle_and_coming_back_is_reported_once_each_and_the_counts_are_summed()
    {
        var status = new ConsumerStatus("ticks");

        var (idle, back) = status.Update(State(("waiting for first message", 0, 0), (null, 2, 1)), isLive: false, pausedPartitions: 0);
        Assert.Empty(idle);
        Assert.Empty(back);
        Assert.Equal((2L, 1L, 0), (status.OutOfOrderReleases, status.LostMessages, status.IdlePartitions));

        (idle, back) = status.Update(State(("idle since 2026-01-01T00:00:00.0000000+00:00; left out of the watermark", 0, 0), (null, 2, 1)), false, 0);
        Assert.Equal(["ticks[0]: idle since 2026-01-01T00:00:00.0000000+00:00; left out of the watermark"], idle);
        Assert.Empty(back);
        Assert.Equal(1, status.IdlePartitions);

        (idle, back) = status.Update(State(("idle since 2026-01-01T00:00:00.0000000+00:00; left out of the watermark", 0, 0), (null, 2, 1)), false, 0);
        Assert.Empty(idle);

        (idle, back) = status.Update(State(("holds the watermark", 5, 0), (null, 2, 1)), false, 0);
        Assert.Empty(idle);
        Assert.Equal(["ticks[0]"], back);
        Assert.Equal((7L, 0), (status.OutOfOrderReleases, status.IdlePartitions));
    }

    /// <summary>A partition-state batch of topic <c>ticks</c>, one row per partition, with the columns the status reads.</summary>
    private static RecordBatch State(params (string? Blocking, long OutOfOrder, long Lost)[] rows)
    {
        var builders = Schemas.PartitionState.FieldsList.Select(f => (f.Name, Values: rows.Select((r, i) => f.Name switch
        {
            "topic" => (object?)"ticks",
            "partition" => i,
            "blocking" => r.Blocking,
            "out_of_order_releases" => r.OutOfOrder,
            "lost_messages" => r.Lost,
            _ => null,
        }).ToList())).ToList();
        var columns = new List<IArrowArray>();
        foreach (var field in Schemas.PartitionState.FieldsList)
        {
            var values = builders.Single(b => b.Name == field.Name).Values;
            columns.Add(field.DataType switch
            {
                Apache.Arrow.Types.StringType => new StringArray.Builder().AppendRange(values.Select(v => (string?)v)).Build(),
                Apache.Arrow.Types.Int32Type => new Int32Array.Builder().AppendRange(values.Select(v => v is int n ? n : 0)).Build(),
                Apache.Arrow.Types.Int64Type => new Int64Array.Builder().AppendRange(values.Select(v => v is long n ? n : 0)).Build(),
                Apache.Arrow.Types.BooleanType => new BooleanArray.Builder().AppendRange(values.Select(_ => false)).Build(),
                Apache.Arrow.Types.TimestampType t => new TimestampArray.Builder(t).AppendRange(values.Select(_ => DateTimeOffset.UnixEpoch)).Build(),
                _ => throw new InvalidOperationException($"No test values for {field.Name}."),
            });
        }

        return new RecordBatch(Schemas.PartitionState, columns, rows.Length);
    }
}
