using System.Globalization;
using Apache.Arrow;
using Spectre.Console;
using Spectre.Console.Rendering;
using Table = Spectre.Console.Table;

namespace TypedKafka.Cli.Output;

/// <summary>Progress of a replay, from the manager's partition state: a table for terminals, a line for logs.</summary>
internal static class ProgressTable
{
    private const int MaxRows = 24;

    public static IRenderable Render(ConsumerManager manager, long released)
    {
        using var state = manager.PartitionState();
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn("topic").AddColumn(new TableColumn("partition").RightAligned())
            .AddColumn(new TableColumn("consumed / end").RightAligned()).AddColumn("progress")
            .AddColumn(new TableColumn("held").RightAligned()).AddColumn("state");
        var rows = PartitionRow.Read(state);
        foreach (var row in rows.Take(MaxRows))
        {
            table.AddRow(
                Markup.Escape(row.Topic),
                row.Partition.ToString(CultureInfo.InvariantCulture),
                $"{row.Consumed + 1:N0} / {row.End:N0}",
                Bar(row.Fraction),
                row.Held.ToString("N0", CultureInfo.InvariantCulture),
                row.IsLive ? "[green]live[/]" : row.IsPaused ? "[yellow]paused[/]" : "replaying");
        }

        if (rows.Count > MaxRows)
        {
            table.AddRow($"... {rows.Count - MaxRows} more", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        table.Caption(string.Create(CultureInfo.InvariantCulture, $"{released:N0} released, {manager.HeldMessageCount:N0} held, {manager.PausedPartitionCount} paused, {rows.Count(r => r.IsLive)}/{rows.Count} live"));
        return table;
    }

    public static string Line(ConsumerManager manager, long released, TimeSpan elapsed)
    {
        using var state = manager.PartitionState();
        var rows = PartitionRow.Read(state);
        // Live messages are past the replay range: count only what the replay covers.
        var consumed = rows.Sum(r => Math.Clamp(r.Consumed + 1, r.Start, Math.Max(r.Start, r.End)) - r.Start);
        var total = rows.Sum(r => r.End - r.Start);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"[{elapsed:hh\\:mm\\:ss}] consumed {consumed:N0}/{total:N0} of the replay, released {released:N0}, held {manager.HeldMessageCount:N0}, paused {manager.PausedPartitionCount}, live {rows.Count(r => r.IsLive)}/{rows.Count}");
    }

    private static string Bar(double fraction)
    {
        const int width = 20;
        var filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * width);
        return $"[blue]{new string('█', filled)}[/][grey]{new string('░', width - filled)}[/] {fraction * 100,3:0}%";
    }

    private sealed record PartitionRow(string Topic, int Partition, long Start, long End, long Consumed, int Held, bool IsLive, bool IsPaused)
    {
        public double Fraction => End <= Start ? 1 : (double)(Math.Min(Consumed + 1, End) - Start) / (End - Start);

        public static List<PartitionRow> Read(RecordBatch state)
        {
            var topics = (StringArray)state.Column("topic");
            var partitions = (Int32Array)state.Column("partition");
            var starts = (Int64Array)state.Column("replay_start_offset");
            var ends = (Int64Array)state.Column("replay_end_offset");
            var consumed = (Int64Array)state.Column("consumed_offset");
            var held = (Int32Array)state.Column("held_messages");
            var live = (BooleanArray)state.Column("is_live");
            var paused = (BooleanArray)state.Column("is_paused");
            return [.. Enumerable.Range(0, state.Length).Select(i => new PartitionRow(
                topics.GetString(i), partitions.GetValue(i)!.Value, starts.GetValue(i)!.Value, ends.GetValue(i)!.Value,
                consumed.GetValue(i)!.Value, held.GetValue(i)!.Value, live.GetValue(i)!.Value, paused.GetValue(i)!.Value))];
        }
    }
}
