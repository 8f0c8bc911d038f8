using System.Globalization;
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
        var rows = PartitionStatus.Read(state);
        foreach (var row in rows.Take(MaxRows))
        {
            table.AddRow(
                Markup.Escape(row.Topic),
                row.Partition.ToString(CultureInfo.InvariantCulture),
                $"{row.ConsumedOffset + 1:N0} / {row.ReplayEndOffset:N0}",
                Bar(Fraction(row)),
                row.HeldMessages.ToString("N0", CultureInfo.InvariantCulture),
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
        var rows = PartitionStatus.Read(state);
        // Live messages are past the replay range: count only what the replay covers.
        var consumed = rows.Sum(r => Math.Clamp(r.ConsumedOffset + 1, r.ReplayStartOffset, Math.Max(r.ReplayStartOffset, r.ReplayEndOffset)) - r.ReplayStartOffset);
        var total = rows.Sum(r => r.ReplayEndOffset - r.ReplayStartOffset);
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

    // The share of the replay range consumed.
    private static double Fraction(PartitionStatus row) =>
        row.ReplayEndOffset <= row.ReplayStartOffset ? 1 : (double)(Math.Min(row.ConsumedOffset + 1, row.ReplayEndOffset) - row.ReplayStartOffset) / (row.ReplayEndOffset - row.ReplayStartOffset);
}
