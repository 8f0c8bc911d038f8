using Apache.Arrow;
using Apache.Arrow.Types;
using TypedKafka.Windows;

namespace TypedKafka.Windows.Tests;

public class WindowAssemblerTests
{
    private const long Minute = 60_000;

    private static WindowAssembler Assembler(ManualClock? clock = null, bool emitEmpty = false, LateMessagePolicy late = LateMessagePolicy.NextOpenWindow) =>
        new(new TumblingWindowOptions(TimeSpan.FromMinutes(1))
        {
            Grace = TimeSpan.FromSeconds(5),
            EmitEmptyWindows = emitEmpty,
            LatePolicy = late,
            Clock = clock ?? new ManualClock(0),
        });

    private static void DisposeAll(IEnumerable<ClosedWindow> windows)
    {
        foreach (var window in windows)
        {
            window.Dispose();
        }
    }

    [Fact]
    public void A_message_at_a_windows_end_opens_the_next_window()
    {
        using var assembler = Assembler();
        var closed = assembler.Add(Batches.Of(0, Minute - 1, Minute, (2 * Minute) - 1, 2 * Minute), releaseWatermark: null, isLive: false);

        Assert.Equal([(0L, Minute), (Minute, 2 * Minute)], closed.Select(w => (w.StartMs, w.EndMs)));
        Assert.Equal([0L, Minute - 1], Batches.Timestamps(closed[0]));
        Assert.Equal([Minute, (2 * Minute) - 1], Batches.Timestamps(closed[1]));
        Assert.Equal(2 * Minute, assembler.OpenWindowStartMs);

        var last = assembler.Complete();
        Assert.Equal([2 * Minute], Batches.Timestamps(Assert.Single(last)));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2 * Minute), last[0].Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(3 * Minute), last[0].End);
        DisposeAll(closed.Concat(last));
    }

    [Fact]
    public void With_an_event_time_column_windows_are_cut_by_event_time_not_by_the_broker_timestamp()
    {
        using var assembler = Assembler();

        // Broker times all in the first minute; event times in the first, second and third.
        var closed = assembler.Add(
            Batches.WithEventTimes([1_000, 2_000, 3_000, 4_000], [Minute - 1, Minute, (2 * Minute) - 1, 2 * Minute]),
            releaseWatermark: null,
            isLive: false);

        Assert.Equal([(0L, Minute), (Minute, 2 * Minute)], closed.Select(w => (w.StartMs, w.EndMs)));
        Assert.Equal([Minute - 1], Batches.EventTimes(closed[0]));
        Assert.Equal([1_000L], Batches.Timestamps(closed[0]));
        Assert.Equal([Minute, (2 * Minute) - 1], Batches.EventTimes(closed[1]));
        Assert.Equal(2 * Minute, assembler.OpenWindowStartMs);
        DisposeAll(closed);
    }

    [Fact]
    public void A_member_column_called_event_time_does_not_cut_windows()
    {
        // A typed batch without event-time ordering whose first member is a DateTimeOffset column named event_time (µs).
        using var messages = Batches.Of(1_000, Minute + 1_000);
        var member = new TimestampArray.Builder(new TimestampType(TimeUnit.Microsecond, "UTC"))
            .Append(DateTimeOffset.FromUnixTimeMilliseconds(5 * Minute))
            .Append(DateTimeOffset.FromUnixTimeMilliseconds(5 * Minute))
            .Build();
        var schema = new Schema.Builder()
            .Field(f => f.Name("topic").DataType(StringType.Default))
            .Field(f => f.Name("timestamp").DataType(Schemas.UtcMilliseconds))
            .Field(f => f.Name("event_time").DataType(member.Data.DataType))
            .Build();
        using var assembler = Assembler();

        var closed = assembler.Add(
            new RecordBatch(schema, [ArrowArrayFactory.BuildArray(messages.Column("topic").Data.Retain()), ArrowArrayFactory.BuildArray(messages.Column("timestamp").Data.Retain()), member], 2),
            releaseWatermark: null,
            isLive: false);

        Assert.Equal([(0L, Minute)], closed.Select(w => (w.StartMs, w.EndMs)));
        Assert.Equal(Minute, assembler.OpenWindowStartMs);
        DisposeAll(closed);
    }

    [Fact]
    public void Windows_align_to_the_origin_and_negative_timestamps_floor()
    {
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)) { Origin = DateTimeOffset.FromUnixTimeMilliseconds(10_000) });
        Assert.Equal(10_000, assembler.WindowStartOf(10_000));
        Assert.Equal(10_000, assembler.WindowStartOf(69_999));
        Assert.Equal(70_000, assembler.WindowStartOf(70_000));
        Assert.Equal(-50_000, assembler.WindowStartOf(9_999));
        using var epoch = Assembler();
        Assert.Equal(-Minute, epoch.WindowStartOf(-1));
    }

    [Fact]
    public void The_release_watermark_closes_a_window_once_it_reaches_the_end()
    {
        using var assembler = Assembler();
        Assert.Empty(assembler.Add(Batches.Of(1_000, 2_000), releaseWatermark: 2_000, isLive: false));
        Assert.Empty(assembler.Advance(Minute - 1, isLive: false));

        var closed = assembler.Advance(Minute, isLive: false);

        Assert.Equal([1_000L, 2_000], Batches.Timestamps(Assert.Single(closed)));
        Assert.Null(assembler.OpenWindowStartMs);
        DisposeAll(closed);
    }

    [Fact]
    public void After_a_batch_cut_short_by_the_batch_size_the_watermark_closes_only_windows_before_its_last_row()
    {
        using var assembler = Assembler();

        // The poll released two rows though the watermark is at 90 s: more rows before it may still be held.
        Assert.Empty(assembler.Add(Batches.Of(1_000, 2_000), releaseWatermark: 90_000, isLive: false));
        var closed = assembler.Add(Batches.Of(3_000, Minute + 1_000), releaseWatermark: 90_000, isLive: false).ToList();
        Assert.Equal([1_000L, 2_000, 3_000], Batches.Timestamps(Assert.Single(closed)));
        Assert.Equal(WindowCloseReason.LaterRow, closed[0].ClosedBy);

        // A poll that released nothing holds nothing at or before the watermark.
        closed.AddRange(assembler.Add(Batches.Of(), releaseWatermark: 2 * Minute, isLive: false));
        Assert.Equal(2, closed.Count);
        Assert.Equal((Minute, WindowCloseReason.Watermark), (closed[1].StartMs, closed[1].ClosedBy));
        DisposeAll(closed);
    }

    [Fact]
    public void Empty_windows_are_skipped_by_default()
    {
        using var assembler = Assembler();
        var closed = assembler.Add(Batches.Of(0, (3 * Minute) + 5), null, false).Concat(assembler.Advance(10 * Minute, false)).ToList();

        Assert.Equal([0L, 3 * Minute], closed.Select(w => w.StartMs));
        Assert.All(closed, w => Assert.Equal(1, w.RowCount));
        DisposeAll(closed);
    }

    [Fact]
    public void Empty_windows_are_emitted_by_option_between_windows_and_up_to_the_watermark_never_before_the_first()
    {
        using var assembler = Assembler(emitEmpty: true);
        Assert.Empty(assembler.Advance(5 * Minute, false));
        var closed = assembler.Add(Batches.Of((5 * Minute) + 1, (8 * Minute) + 5), null, false).Concat(assembler.Advance(11 * Minute, false)).ToList();

        Assert.Equal([5 * Minute, 6 * Minute, 7 * Minute, 8 * Minute, 9 * Minute, 10 * Minute], closed.Select(w => w.StartMs));
        Assert.Equal([1L, 0, 0, 1, 0, 0], closed.Select(w => w.RowCount));
        Assert.All(closed.Where(w => w.RowCount == 0), w => Assert.Same(Schemas.Message, w.Schema));
        DisposeAll(closed);
    }

    [Fact]
    public void In_live_mode_without_traffic_the_clock_closes_a_window_after_its_end_plus_grace()
    {
        var clock = new ManualClock(30_000);
        using var assembler = Assembler(clock);
        Assert.Empty(assembler.Add(Batches.Of(10_000), releaseWatermark: null, isLive: true));

        clock.NowMs = Minute + 4_999;
        Assert.Empty(assembler.Advance(null, isLive: true));
        Assert.Empty(assembler.Advance(null, isLive: false));

        clock.NowMs = Minute + 5_000;
        Assert.Empty(assembler.Advance(null, isLive: false));
        var closed = assembler.Advance(null, isLive: true);

        Assert.Equal([10_000L], Batches.Timestamps(Assert.Single(closed)));
        DisposeAll(closed);
    }

    [Fact]
    public void A_window_spanning_the_replay_to_live_switch_holds_rows_from_both()
    {
        var clock = new ManualClock(50_000);
        using var assembler = Assembler(clock);
        Assert.Empty(assembler.Add(Batches.Of(10_000, 20_000), releaseWatermark: 25_000, isLive: false));
        Assert.Empty(assembler.Add(Batches.Of(40_000), releaseWatermark: null, isLive: true));

        clock.NowMs = 66_000;
        var closed = assembler.Add(Batches.Of(), releaseWatermark: null, isLive: true);

        var window = Assert.Single(closed);
        Assert.Equal([10_000L, 20_000, 40_000], Batches.Timestamps(window));
        Assert.Equal(2, window.Batches.Count);
        Assert.Equal(0, window.LateRows);
        DisposeAll(closed);
    }

    [Fact]
    public void A_late_live_message_goes_to_the_next_open_window_and_is_counted()
    {
        var clock = new ManualClock(Minute + 5_000);
        using var assembler = Assembler(clock);
        var first = assembler.Add(Batches.Of(10_000), null, isLive: true);
        Assert.Single(first);

        // A poll merged only what it received: the 30 s message was late for the window handed over.
        Assert.Empty(assembler.Add(Batches.Of(30_000, 70_000), null, isLive: true));
        clock.NowMs = (2 * Minute) + 5_000;
        var second = assembler.Advance(null, isLive: true);

        var window = Assert.Single(second);
        Assert.Equal(Minute, window.StartMs);
        Assert.Equal([30_000L, 70_000], Batches.Timestamps(window));
        Assert.Equal(1, window.LateRows);
        Assert.Equal(1, assembler.LateMessageCount);
        DisposeAll(first.Concat(second));
    }

    [Fact]
    public void A_late_message_goes_to_the_open_window_when_one_is_open()
    {
        using var assembler = Assembler();
        var closed = assembler.Add(Batches.Of(10_000, 70_000), null, false).ToList();
        closed.AddRange(assembler.Add(Batches.Of(20_000, 80_000), null, true));
        closed.AddRange(assembler.Complete());

        Assert.Equal([0L, Minute], closed.Select(w => w.StartMs));
        Assert.Equal([70_000L, 20_000, 80_000], Batches.Timestamps(closed[1]));
        Assert.Equal(1, closed[1].LateRows);
        DisposeAll(closed);
    }

    [Fact]
    public void The_throw_policy_refuses_a_late_message()
    {
        var clock = new ManualClock(Minute + 5_000);
        using var assembler = Assembler(clock, late: LateMessagePolicy.Throw);
        DisposeAll(assembler.Add(Batches.Of(10_000), null, isLive: true));

        Assert.Throws<InvalidOperationException>(() => assembler.Add(Batches.Of(30_000), null, isLive: true));
    }

    [Fact]
    public void The_throw_policy_refuses_the_whole_batch_and_keeps_the_open_window_as_it_was()
    {
        using var assembler = Assembler(late: LateMessagePolicy.Throw);
        var first = assembler.Add(Batches.Of(10_000, 70_000), null, false);
        Assert.Single(first);

        Assert.Throws<InvalidOperationException>(() => assembler.Add(Batches.Of(130_000, 20_000), null, true));
        Assert.Equal(Minute, assembler.OpenWindowStartMs);
        Assert.Throws<InvalidOperationException>(() => assembler.Add(Batches.Of(80_000, 20_000), null, true));

        var last = assembler.Complete();
        Assert.Equal([70_000L], Batches.Timestamps(Assert.Single(last)));
        Assert.Equal(0, assembler.LateMessageCount);
        DisposeAll(first.Concat(last));
    }

    [Fact]
    public void Slices_share_the_released_batch_and_stay_readable_until_their_own_window_is_disposed()
    {
        using var assembler = Assembler();
        var released = Batches.Of(1, 2, Minute + 1, Minute + 2);
        var expected = Batches.Rows([released]);
        var closed = assembler.Add(released, null, false).Concat(assembler.Complete()).ToList();

        Assert.Equal(2, closed.Count);
        Assert.Equal(2, closed[0].Batches[0].Length);
        Assert.Equal(expected[..2], Batches.Rows(closed[0].Batches));
        closed[0].Dispose();
        Assert.Equal(expected[2..], Batches.Rows(closed[1].Batches));
        closed[1].Dispose();
    }

    [Fact]
    public void Each_window_says_what_closed_it()
    {
        var clock = new ManualClock(0);
        using var assembler = Assembler(clock, emitEmpty: true);
        var closed = assembler.Add(Batches.Of(1_000, Minute + 1_000), releaseWatermark: null, isLive: false).ToList();
        closed.AddRange(assembler.Add(Batches.Of((3 * Minute) + 1_000), releaseWatermark: null, isLive: false));
        closed.AddRange(assembler.Advance(releaseWatermark: 4 * Minute, isLive: false));
        closed.AddRange(assembler.Add(Batches.Of((4 * Minute) + 1_000), releaseWatermark: null, isLive: true));
        clock.NowMs = (5 * Minute) + 5_000;
        closed.AddRange(assembler.Advance(releaseWatermark: null, isLive: true));
        closed.AddRange(assembler.Add(Batches.Of((5 * Minute) + 1_000), releaseWatermark: null, isLive: true));
        closed.AddRange(assembler.Complete());

        Assert.Equal(
            [
                (0L, WindowCloseReason.LaterRow),
                (Minute, WindowCloseReason.LaterRow),
                (2 * Minute, WindowCloseReason.LaterRow), // empty, between two windows with rows
                (3 * Minute, WindowCloseReason.Watermark),
                (4 * Minute, WindowCloseReason.Clock),
                (5 * Minute, WindowCloseReason.Completed),
            ],
            closed.Select(w => (w.StartMs, w.ClosedBy)));
        DisposeAll(closed);
    }

    [Fact]
    public void Rejects_lengths_that_are_not_whole_milliseconds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowAssembler(new TumblingWindowOptions(TimeSpan.Zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromTicks(15_000))));
    }

    [Fact]
    public void Removing_a_revoked_partition_takes_its_rows_out_of_the_open_window_and_recounts_the_late_rows()
    {
        using var assembler = Assembler();
        // Partition 1's rows sit between partition 0's, in the open second minute and among its late rows.
        var closed = assembler.Add(
            Batches.FromRows([Row(0, 1, 0), Row(1, 1, 1_000), Row(0, 2, Minute), Row(1, 2, Minute + 1_000), Row(1, 3, Minute + 2_000), Row(0, 3, Minute + 3_000)]),
            releaseWatermark: null,
            isLive: false);
        closed = [.. closed, .. assembler.Add(Batches.FromRows([Row(1, 4, 2_000), Row(0, 4, 3_000), Row(1, 5, 4_000)]), releaseWatermark: null, isLive: false)];
        Assert.Equal(3, assembler.LateMessageCount);

        Assert.Equal(4, assembler.RemovePartitions([new Confluent.Kafka.TopicPartition("t", 1)]));

        Assert.Equal(1, assembler.LateMessageCount);
        var rest = Assert.Single(assembler.Complete());
        Assert.Equal([Row(0, 2, Minute), Row(0, 3, Minute + 3_000), Row(0, 4, 3_000)], Batches.Rows(rest.Batches));
        Assert.Equal(3, rest.RowCount);
        Assert.Equal(1, rest.LateRows);
        DisposeAll(closed.Append(rest));
    }
    [Fact]
    public void A_window_left_empty_by_a_revocation_is_no_longer_open_and_other_topics_keep_their_rows()
    {
        using var assembler = Assembler();
        var closed = assembler.Add(Batches.Of(Minute, Minute + 1_000), releaseWatermark: null, isLive: false);

        Assert.Equal(0, assembler.RemovePartitions([new Confluent.Kafka.TopicPartition("other", 0), new Confluent.Kafka.TopicPartition("other", 1)]));
        Assert.Equal(Minute, assembler.OpenWindowStartMs);
        Assert.Equal(2, assembler.RemovePartitions([new Confluent.Kafka.TopicPartition("t", 0), new Confluent.Kafka.TopicPartition("t", 1)]));

        Assert.Null(assembler.OpenWindowStartMs);
        Assert.Empty(assembler.Complete());
        DisposeAll(closed);
    }

    private static string Row(int partition, long offset, long timestampMs) => $"k|v|t|{partition}|{offset}|{timestampMs}";
}
