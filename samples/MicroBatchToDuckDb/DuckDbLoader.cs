using System.Globalization;
using TypedKafka.Hosting;
using TypedKafka.Windows;

namespace MicroBatchToDuckDb;

/// <summary>Each closed window: one Parquet file, then loaded into DuckDB in place of that window's rows.</summary>
internal sealed class DuckDbLoader(WindowTable table, LoadProgress progress) : IWindowHandler<PageView>
{
    public ValueTask HandleAsync(TypedWindow<PageView> window, CancellationToken cancellationToken)
    {
        var file = ParquetWindowFiles.Write(window.Window, progress.WindowDirectory);
        table.Load(window.Start, file);
        var visitors = window.Rows.Select(v => v.UserId).Distinct().Count();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {window.Start:HH:mm}-{window.End:HH:mm}  {window.RowCount,5:N0} page views, {visitors,3} visitors  ->  {Path.GetFileName(file)}  ->  loaded"));
        progress.Loaded(window.RowCount);
        return ValueTask.CompletedTask;
    }
}

/// <summary>Where the window files go, and whether every produced row has been loaded.</summary>
internal sealed class LoadProgress(string windowDirectory, long expectedRows)
{
    private readonly TaskCompletionSource _allLoaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _rows;

    public string WindowDirectory => windowDirectory;

    public Task AllLoaded => _allLoaded.Task;

    public void Loaded(long rows)
    {
        if (Interlocked.Add(ref _rows, rows) >= expectedRows)
        {
            _allLoaded.TrySetResult();
        }
    }
}
