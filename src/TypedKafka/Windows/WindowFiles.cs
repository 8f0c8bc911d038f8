using System.Globalization;
using Apache.Arrow.Ipc;
using TypedKafka.IO;

namespace TypedKafka.Windows;

/// <summary>
/// One file per closed window, named by the window's start in UTC (<c>2026-11-24T08-00-00Z.arrow</c>;
/// milliseconds are added when the start has some). Each file is written under a hidden temporary
/// name in the same folder (<c>.NAME.GUID.tmp</c>), flushed to disk and renamed over the final
/// name, so a reader never sees a partial file, and writing the same window again replaces the
/// file with the same rows (<see cref="AtomicFile"/>: other formats write their window files
/// through it, under <see cref="FileName"/>).
/// </summary>
public static class WindowFiles
{
    /// <summary>
    /// Rows per record batch in window files: the rows are cut at the same places whatever batches
    /// they were released in, so a file is byte for byte the same on every run over the same rows.
    /// </summary>
    public const int RowsPerBatch = 65_536;

    /// <summary>The file name of <paramref name="window"/> with <paramref name="extension"/> (e.g. <c>.parquet</c>).</summary>
    public static string FileName(ClosedWindow window, string extension)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(extension);
        var start = window.Start.UtcDateTime;
        var format = start.Millisecond == 0 ? "yyyy-MM-dd'T'HH-mm-ss'Z'" : "yyyy-MM-dd'T'HH-mm-ss'.'fff'Z'";
        return start.ToString(format, CultureInfo.InvariantCulture) + extension;
    }

    /// <summary>Writes <paramref name="window"/> as an Arrow IPC file in <paramref name="directory"/>; returns its path.</summary>
    public static string WriteArrow(ClosedWindow window, string directory) => WriteArrow(window, directory, beforeRename: null);

    internal static string WriteArrow(ClosedWindow window, string directory, Action? beforeRename)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(directory);
        return AtomicFile.Write(Path.Combine(directory, FileName(window, ".arrow")), stream =>
        {
            using var writer = new ArrowFileWriter(stream, window.Schema, leaveOpen: true);
            writer.WriteStart();
            foreach (var batch in window.Rebatched(RowsPerBatch))
            {
                writer.WriteRecordBatch(batch);
            }

            writer.WriteEnd();
        }, beforeRename);
    }
}
