using System.Text.Unicode;
using Apache.Arrow;

namespace TypedKafka.Cli.Output;

/// <summary>
/// The six columns of a <see cref="Schemas.Message"/> batch as the text outputs (JSON lines, CSV, the
/// <c>tail</c> lines) read them: one place that knows the column names and types, the timestamp's
/// text and how a key or value is encoded.
/// </summary>
internal readonly struct MessageRows(RecordBatch batch)
{
    public BinaryArray Keys { get; } = (BinaryArray)batch.Column("key");

    public BinaryArray Values { get; } = (BinaryArray)batch.Column("value");

    private readonly StringArray _topics = (StringArray)batch.Column("topic");
    private readonly Int32Array _partitions = (Int32Array)batch.Column("partition");
    private readonly Int64Array _offsets = (Int64Array)batch.Column("offset");
    private readonly TimestampArray _timestamps = (TimestampArray)batch.Column("timestamp");

    public string Topic(int row) => _topics.GetString(row);

    public int Partition(int row) => _partitions.GetValue(row)!.Value;

    public long Offset(int row) => _offsets.GetValue(row)!.Value;

    /// <summary>The timestamp as ISO 8601 UTC with milliseconds.</summary>
    public string Time(int row) => TimeText.Iso(_timestamps.GetTimestamp(row)!.Value);

    /// <summary>
    /// How JSON lines and CSV write a key or value that is not null: as text when it is valid UTF-8
    /// (encoding <c>utf8</c>), otherwise as base64 (encoding <c>base64</c>).
    /// </summary>
    public static bool IsText(ReadOnlySpan<byte> bytes) => Utf8.IsValid(bytes);
}
