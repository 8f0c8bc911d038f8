using Apache.Arrow;
using ParquetSharp;
using ParquetSharp.Arrow;
using TypedKafka.IO;

namespace TypedKafka.Windows;

/// <summary>
/// Parquet files of closed windows, through ParquetSharp's Arrow API, named and written
/// atomically as <see cref="WindowFiles"/> describes (<c>2026-11-24T08-00-00Z.parquet</c>).
/// The Arrow schema is stored in the file, so reading it back gives the same column types, and a
/// window's file is byte for byte the same on every run over the same rows.
/// </summary>
public static class ParquetWindowFiles
{
    /// <summary>Writes <paramref name="window"/> as a Parquet file in <paramref name="directory"/>; returns its path.</summary>
    public static string Write(ClosedWindow window, string directory) => Write(window, directory, beforeRename: null);

    internal static string Write(ClosedWindow window, string directory, Action? beforeRename)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(directory);
        return AtomicFile.Write(Path.Combine(directory, WindowFiles.FileName(window, ".parquet")), stream =>
        {
            using var writer = OpenWriter(stream, window.Schema);
            // Buffered: row groups are cut by row count (the writer's maximum), not at each batch.
            foreach (var batch in window.Rebatched(WindowFiles.RowsPerBatch))
            {
                writer.WriteBufferedRecordBatch(batch);
            }

            writer.Close();
        }, beforeRename);
    }

    /// <summary>
    /// A Parquet writer of <paramref name="schema"/> over <paramref name="stream"/> (left open), with the
    /// settings every TypedKafka Parquet file has: Snappy, and the Arrow schema stored. Write with
    /// <c>WriteBufferedRecordBatch</c>, so that row groups are cut by row count, not at each batch;
    /// <see cref="FileWriter.Close"/> writes the footer.
    /// Window files and the CLI's <c>replay --out FILE.parquet</c> both write through it.
    /// </summary>
    public static FileWriter OpenWriter(Stream stream, Schema schema)
    {
        using var properties = new WriterPropertiesBuilder().Compression(Compression.Snappy).Build();
        using var arrowProperties = new ArrowWriterPropertiesBuilder().StoreSchema().Build();
        return new FileWriter(stream, schema, properties, arrowProperties, leaveOpen: true);
    }
}
