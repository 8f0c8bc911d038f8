using TypedKafka.Windows;

namespace TypedKafka.Windows.Tests;

public sealed class WindowFilesTests : IDisposable
{
    private const long Start = 1_795_507_200_000; // 2026-11-24T08:00:00Z
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "typedkafka-windows-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    public static TheoryData<string> Formats => new() { "arrow", "parquet" };

    private static string Write(string format, ClosedWindow window, string directory, Action? beforeRename = null) =>
        format == "arrow" ? WindowFiles.WriteArrow(window, directory, beforeRename) : ParquetWindowFiles.Write(window, directory, beforeRename);

    private static List<string> Read(string format, string path) =>
        format == "arrow" ? Batches.ReadArrow(path) : Batches.ReadParquet(path);

    /// <summary>Released batches over three minutes, cut into one-minute windows.</summary>
    private static (List<ClosedWindow> Windows, List<string> ReleasedRows) Replay(long[][] releases) =>
        Replay(releases.Select(Batches.Of));

    private static (List<ClosedWindow> Windows, List<string> ReleasedRows) Replay(IEnumerable<Apache.Arrow.RecordBatch> releases)
    {
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)));
        var windows = new List<ClosedWindow>();
        var rows = new List<string>();
        foreach (var batch in releases)
        {
            var batchRows = Batches.Rows([batch]);
            rows.AddRange(batchRows);
            windows.AddRange(assembler.Add(batch, long.Parse(batchRows[^1].Split('|')[5], System.Globalization.CultureInfo.InvariantCulture), isLive: false));
        }

        windows.AddRange(assembler.Complete());
        return (windows, rows);
    }

    private static readonly long[][] Releases =
    [
        [Start, Start + 1_000, Start + 59_999],
        [Start + 60_000, Start + 61_000, Start + 62_000, Start + 150_000],
        [Start + 150_001, Start + 179_999],
    ];

    [Fact]
    public void File_names_are_the_window_start_in_utc()
    {
        var (windows, _) = Replay(Releases);
        Assert.Equal(["2026-11-24T08-00-00Z.parquet", "2026-11-24T08-01-00Z.parquet", "2026-11-24T08-02-00Z.parquet"],
            windows.Select(w => WindowFiles.FileName(w, ".parquet")));
        windows.ForEach(w => w.Dispose());
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Files_read_back_equal_the_released_rows(string format)
    {
        var (windows, released) = Replay(Releases);
        var paths = windows.Select(w => Write(format, w, _directory)).ToList();
        windows.ForEach(w => w.Dispose());

        Assert.Equal(paths.Order(), Directory.GetFiles(_directory).Order());
        Assert.Equal(released, paths.SelectMany(p => Read(format, p)));
        Assert.Equal([3, 3, 3], paths.Select(p => Read(format, p).Count));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_file_is_the_same_bytes_whatever_batches_its_rows_were_released_in(string format)
    {
        // The same nine rows released in three batches, then one at a time.
        var (inThree, rows) = Replay(Releases);
        var (oneByOne, _) = Replay(rows.Select(row => Batches.FromRows([row])));
        Assert.NotEqual(inThree[0].Batches.Count, oneByOne[0].Batches.Count);

        var first = inThree.Select(w => File.ReadAllBytes(Write(format, w, Path.Combine(_directory, "three")))).ToList();
        var second = oneByOne.Select(w => File.ReadAllBytes(Write(format, w, Path.Combine(_directory, "single")))).ToList();
        inThree.Concat(oneByOne).ToList().ForEach(w => w.Dispose());

        Assert.Equal(3, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Rebatched_cuts_rows_at_the_same_places_into_copies_that_outlive_the_window()
    {
        var (windows, released) = Replay([.. Releases.SelectMany(r => r).Select(t => new[] { t })]);
        var all = new List<string>();
        var lengths = new List<int>();
        foreach (var window in windows)
        {
            foreach (var batch in window.Rebatched(2))
            {
                lengths.Add(batch.Length);
                all.AddRange(Batches.Rows([batch]));
            }

            window.Dispose();
        }

        Assert.Equal(released, all);
        Assert.Equal([2, 1, 2, 1, 2, 1], lengths);
        Assert.Throws<ArgumentOutOfRangeException>(() => windows[0].Rebatched(0));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void An_empty_window_is_a_readable_file_without_rows(string format)
    {
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)) { EmitEmptyWindows = true });
        var windows = assembler.Add(Batches.Of(Start, Start + 120_000), null, false).ToList();
        Assert.Equal(0, windows[1].RowCount);

        var path = Write(format, windows[1], _directory);
        windows.ForEach(w => w.Dispose());

        Assert.Empty(Read(format, path));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_crash_before_the_rename_leaves_no_visible_file_and_keeps_an_earlier_one(string format)
    {
        var (windows, _) = Replay(Releases);
        var extension = "*." + format;

        Assert.Throws<IOException>(() => Write(format, windows[0], _directory, () => throw new IOException("crash")));
        Assert.Empty(Directory.GetFiles(_directory, extension));

        var path = Write(format, windows[0], _directory);
        var before = File.ReadAllBytes(path);
        Assert.Throws<IOException>(() => Write(format, windows[1], _directory, () => throw new IOException("crash")));
        Assert.Throws<IOException>(() => Write(format, windows[0], _directory, () => throw new IOException("crash")));

        Assert.Equal([path], Directory.GetFiles(_directory, extension));
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_directory));
        windows.ForEach(w => w.Dispose());
    }

    [Fact]
    public void The_temporary_file_is_hidden_in_the_same_folder_until_the_rename()
    {
        var (windows, _) = Replay(Releases);
        string[] during = [];
        WindowFiles.WriteArrow(windows[0], _directory, () => during = Directory.GetFiles(_directory));
        windows.ForEach(w => w.Dispose());

        var temporary = Path.GetFileName(Assert.Single(during));
        Assert.StartsWith(".2026-11-24T08-00-00Z.arrow.", temporary, StringComparison.Ordinal);
        Assert.EndsWith(".tmp", temporary, StringComparison.Ordinal);
        Assert.Equal(["2026-11-24T08-00-00Z.arrow"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void A_rerun_over_the_same_input_rewrites_the_same_files_with_the_same_rows(string format)
    {
        // The same released rows, released in different batch sizes the second time.
        long[][] again = [[.. Releases[0], .. Releases[1][..2]], [.. Releases[1][2..], .. Releases[2]]];
        var first = Path.Combine(_directory, "first");
        var (windows, _) = Replay(Releases);
        var firstPaths = windows.Select(w => Write(format, w, first)).ToList();
        var firstRows = firstPaths.ToDictionary(p => Path.GetFileName(p)!, p => Read(format, p));
        var firstBytes = firstPaths.ToDictionary(p => Path.GetFileName(p)!, File.ReadAllBytes);
        windows.ForEach(w => w.Dispose());

        // Same rows (offsets differ between Batches.Of calls, so rebuild the first run's rows exactly).
        var (rerun, _) = ReplayRows(firstRows.Values.SelectMany(r => r).ToList(), again);
        var paths = rerun.Select(w => Write(format, w, first)).ToList();
        rerun.ForEach(w => w.Dispose());

        Assert.Equal(firstRows.Keys.Order(), Directory.GetFiles(first).Select(p => Path.GetFileName(p)!).Order());
        Assert.All(paths, p => Assert.Equal(firstRows[Path.GetFileName(p)!], Read(format, p)));

        // Released in the same batches, the files are byte for byte the same.
        var (same, _) = ReplayRows(firstRows.Values.SelectMany(r => r).ToList(), Releases);
        var samePaths = same.Select(w => Write(format, w, first)).ToList();
        same.ForEach(w => w.Dispose());
        Assert.All(samePaths, p => Assert.Equal(firstBytes[Path.GetFileName(p)!], File.ReadAllBytes(p)));
    }

    /// <summary>Replays <paramref name="rows"/> (as read back) released in the batch shapes of <paramref name="shapes"/>.</summary>
    private static (List<ClosedWindow> Windows, List<string> Rows) ReplayRows(List<string> rows, long[][] shapes)
    {
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)));
        var windows = new List<ClosedWindow>();
        var index = 0;
        foreach (var shape in shapes)
        {
            var batch = Batches.FromRows(rows.GetRange(index, shape.Length));
            index += shape.Length;
            windows.AddRange(assembler.Add(batch, shape[^1], isLive: false));
        }

        windows.AddRange(assembler.Complete());
        return (windows, rows);
    }
}
