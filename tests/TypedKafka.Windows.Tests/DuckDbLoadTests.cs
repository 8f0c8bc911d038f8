using Apache.Arrow;
using DuckDB.NET.Data;
using MicroBatchToDuckDb;

namespace TypedKafka.Windows.Tests;

/// <summary>
/// Parquet window files loaded into DuckDB by the loading step of samples/MicroBatchToDuckDb
/// (<see cref="WindowTable"/>, compiled in here).
/// </summary>
public sealed class DuckDbLoadTests : IDisposable
{
    private const long Start = 1_767_258_000_000; // 2026-01-01T09:00:00Z
    private const long Minute = 60_000;

    private readonly string _directory = Directory.CreateTempSubdirectory("typedkafka-duckdb-").FullName;
    private readonly DuckDBConnection _duckDb = new("Data Source=:memory:");

    public DuckDbLoadTests() => _duckDb.Open();

    public void Dispose()
    {
        _duckDb.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public void Each_windows_rows_counted_in_SQL_equal_the_rows_it_released_and_loading_all_again_changes_nothing()
    {
        using var assembler = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)));
        long[] first = [Start, Start + 1, Start + 59_999, Start + Minute, Start + Minute + 5];
        long[] second = [Start + Minute + 30_000, Start + (3 * Minute), Start + (3 * Minute) + 1, Start + (3 * Minute) + 2];
        var windows = assembler.Add(Batches.Of(first), null, false)
            .Concat(assembler.Add(Batches.Of(second), null, false))
            .Concat(assembler.Complete())
            .ToList();
        var files = windows.Select(w => (w.Start, Path: ParquetWindowFiles.Write(w, _directory))).ToList();
        var released = windows.Select(w => (w.Start.UtcDateTime, w.RowCount)).ToList();
        var offsets = windows.Select(w => Offsets(w.Batches)).ToList();
        windows.ForEach(w => w.Dispose());

        var table = new WindowTable(_duckDb, "released");
        files.ForEach(f => table.Load(f.Start, f.Path));
        var loaded = table.CountsByWindow();
        files.ForEach(f => table.Load(f.Start, f.Path));

        Assert.Equal([(Start, 3L), (Start + Minute, 3L), (Start + (3 * Minute), 3L)], released.Select(r => (new DateTimeOffset(r.UtcDateTime).ToUnixTimeMilliseconds(), r.RowCount)));
        Assert.Equal(released, loaded);
        Assert.Equal(released, table.CountsByWindow());
        Assert.Equal(offsets, released.Select(r => OffsetsInSql(r.UtcDateTime)));
    }

    [Fact]
    public void Loading_a_window_again_replaces_the_rows_loaded_for_it_before()
    {
        // A window handed over at shutdown with part of its rows, then again, whole, after the restart.
        using var partial = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)));
        using var whole = new WindowAssembler(new TumblingWindowOptions(TimeSpan.FromMinutes(1)));
        var table = new WindowTable(_duckDb, "released");
        foreach (var window in partial.Add(Batches.Of(Start + 1, Start + 2), null, false).Concat(partial.Complete()))
        {
            using (window)
            {
                table.Load(window.Start, ParquetWindowFiles.Write(window, _directory));
            }
        }

        foreach (var window in whole.Add(Batches.Of(Start + 1, Start + 2, Start + 3, Start + 4), null, false).Concat(whole.Complete()))
        {
            using (window)
            {
                table.Load(window.Start, ParquetWindowFiles.Write(window, _directory));
            }
        }

        Assert.Equal([(DateTimeOffset.FromUnixTimeMilliseconds(Start).UtcDateTime, 4L)], table.CountsByWindow());
    }

    private static List<long> Offsets(IEnumerable<RecordBatch> batches) =>
        batches.SelectMany(b => ((Int64Array)b.Column("offset")).Values.ToArray()).ToList();

    private List<long> OffsetsInSql(DateTime windowStart)
    {
        using var command = _duckDb.CreateCommand();
        command.CommandText = "SELECT \"offset\" FROM released WHERE window_start = $window_start ORDER BY \"offset\"";
        command.Parameters.Add(new DuckDBParameter("window_start", windowStart));
        using var reader = command.ExecuteReader();
        var offsets = new List<long>();
        while (reader.Read())
        {
            offsets.Add(reader.GetInt64(0));
        }

        return offsets;
    }
}
