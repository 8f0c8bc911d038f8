using System.Globalization;
using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using ParquetSharp.Arrow;
using TypedKafka.Windows;

namespace TypedKafka.Windows.Tests;

/// <summary>Builds released batches of <see cref="Schemas.Message"/> and reads rows back as text.</summary>
internal static class Batches
{
    private static long _nextOffset;

    public static RecordBatch Of(params long[] timestamps)
    {
        var keys = new BinaryArray.Builder();
        var values = new BinaryArray.Builder();
        var topics = new StringArray.Builder();
        var partitions = new Int32Array.Builder();
        var offsets = new Int64Array.Builder();
        var stamps = new TimestampArray.Builder(Schemas.UtcMilliseconds);
        foreach (var ts in timestamps)
        {
            var offset = Interlocked.Increment(ref _nextOffset);
            keys.Append(Encoding.UTF8.GetBytes($"k{offset % 3}"));
            values.Append(Encoding.UTF8.GetBytes($"v{ts}"));
            topics.Append("t");
            partitions.Append((int)(offset % 2));
            offsets.Append(offset);
            stamps.Append(DateTimeOffset.FromUnixTimeMilliseconds(ts));
        }

        return new RecordBatch(Schemas.Message,
            [keys.Build(), values.Build(), topics.Build(), partitions.Build(), offsets.Build(), stamps.Build()],
            timestamps.Length);
    }

    /// <summary>A batch of <see cref="Schemas.MessageWithEventTime"/>: broker timestamps and the event times rows are ordered by.</summary>
    public static RecordBatch WithEventTimes(long[] timestamps, long[] eventTimes)
    {
        using var messages = Of(timestamps);
        var times = new TimestampArray.Builder(Schemas.UtcMilliseconds);
        foreach (var t in eventTimes)
        {
            times.Append(DateTimeOffset.FromUnixTimeMilliseconds(t));
        }

        var columns = Enumerable.Range(0, messages.ColumnCount).Select(i => ArrowArrayFactory.BuildArray(messages.Column(i).Data.Retain())).Append(times.Build());
        return new RecordBatch(Schemas.MessageWithEventTime, columns, timestamps.Length);
    }

    public static List<long> EventTimes(ClosedWindow window) =>
        window.Batches.SelectMany(b => ((TimestampArray)b.Column("event_time")).Values.ToArray()).ToList();

    /// <summary>The inverse of <see cref="Rows"/>.</summary>
    public static RecordBatch FromRows(IReadOnlyList<string> rows)
    {
        var keys = new BinaryArray.Builder();
        var values = new BinaryArray.Builder();
        var topics = new StringArray.Builder();
        var partitions = new Int32Array.Builder();
        var offsets = new Int64Array.Builder();
        var stamps = new TimestampArray.Builder(Schemas.UtcMilliseconds);
        foreach (var row in rows)
        {
            var f = row.Split('|');
            keys.Append(Encoding.UTF8.GetBytes(f[0]));
            values.Append(Encoding.UTF8.GetBytes(f[1]));
            topics.Append(f[2]);
            partitions.Append(int.Parse(f[3], CultureInfo.InvariantCulture));
            offsets.Append(long.Parse(f[4], CultureInfo.InvariantCulture));
            stamps.Append(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(f[5], CultureInfo.InvariantCulture)));
        }

        return new RecordBatch(Schemas.Message,
            [keys.Build(), values.Build(), topics.Build(), partitions.Build(), offsets.Build(), stamps.Build()],
            rows.Count);
    }

    public static List<string> Rows(IEnumerable<RecordBatch> batches)
    {
        var rows = new List<string>();
        foreach (var batch in batches)
        {
            var keys = (BinaryArray)batch.Column("key");
            var values = (BinaryArray)batch.Column("value");
            var topics = (StringArray)batch.Column("topic");
            var partitions = (Int32Array)batch.Column("partition");
            var offsets = (Int64Array)batch.Column("offset");
            var stamps = (TimestampArray)batch.Column("timestamp");
            for (var i = 0; i < batch.Length; i++)
            {
                rows.Add(string.Join('|',
                    keys.IsNull(i) ? "null" : Encoding.UTF8.GetString(keys.GetBytes(i)),
                    values.IsNull(i) ? "null" : Encoding.UTF8.GetString(values.GetBytes(i)),
                    topics.GetString(i), partitions.GetValue(i), offsets.GetValue(i), stamps.GetTimestamp(i)!.Value.ToUnixTimeMilliseconds()));
            }
        }

        return rows;
    }

    public static List<long> Timestamps(ClosedWindow window) =>
        window.Batches.SelectMany(b => ((TimestampArray)b.Column("timestamp")).Values.ToArray()).ToList();

    public static List<string> ReadArrow(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new ArrowFileReader(stream);
        var batches = new List<RecordBatch>();
        try
        {
            while (reader.ReadNextRecordBatch() is { } batch)
            {
                batches.Add(batch);
            }

            return Rows(batches);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }

    public static List<string> ReadParquet(string path)
    {
        using var file = new FileReader(path);
        using var reader = file.GetRecordBatchReader();
        var batches = new List<RecordBatch>();
        try
        {
            while (reader.ReadNextRecordBatchAsync().AsTask().GetAwaiter().GetResult() is { } batch)
            {
                batches.Add(batch);
            }

            return Rows(batches);
        }
        finally
        {
            batches.ForEach(b => b.Dispose());
        }
    }
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock(long nowMs) : TimeProvider
{
    public long NowMs { get; set; } = nowMs;

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}
