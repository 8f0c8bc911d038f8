using DuckDB.NET.Data;

namespace MicroBatchToDuckDb;

/// <summary>
/// A DuckDB table loaded window by window from window files: each load replaces the rows of its
/// window (delete, then insert, in one transaction), so loading a window again, in this run or
/// the next, leaves the table as it was.
/// </summary>
internal sealed class WindowTable(DuckDBConnection connection, string table)
{
    /// <summary>Replaces the rows of the window starting at <paramref name="windowStart"/> with those of a Parquet file.</summary>
    public void Load(DateTimeOffset windowStart, string parquetFile)
    {
        var file = Quote(Path.GetFullPath(parquetFile));
        using var transaction = connection.BeginTransaction();

        // The first file gives the table its columns, the file's own, after window_start.
        Execute($"CREATE TABLE IF NOT EXISTS {table} AS SELECT CAST(NULL AS TIMESTAMP) AS window_start, * FROM read_parquet({file}) LIMIT 0");
        Execute($"DELETE FROM {table} WHERE window_start = $window_start", windowStart);
        Execute($"INSERT INTO {table} BY NAME SELECT CAST($window_start AS TIMESTAMP) AS window_start, * FROM read_parquet({file})", windowStart);
        transaction.Commit();
    }

    /// <summary>Rows per window, from SQL, in window order.</summary>
    public List<(DateTime WindowStart, long Rows)> CountsByWindow()
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT window_start, count(*) FROM {table} GROUP BY window_start ORDER BY window_start";
        using var reader = command.ExecuteReader();
        var counts = new List<(DateTime, long)>();
        while (reader.Read())
        {
            counts.Add((reader.GetDateTime(0), reader.GetInt64(1)));
        }

        return counts;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private void Execute(string sql, DateTimeOffset? windowStart = null)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (windowStart is { } start)
        {
            command.Parameters.Add(new DuckDBParameter("window_start", start.UtcDateTime));
        }

        command.ExecuteNonQuery();
    }
}
