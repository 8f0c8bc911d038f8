using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using TypedKafka.Cli.Output;

namespace TypedKafka.Cli.Tests;

/// <summary>A file sink shows a file under its name only once complete, in every format.</summary>
public sealed class MessageSinkTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("typedkafka-sink-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static RecordBatch OneRow()
    {
        var timestamp = new TimestampArray.Builder(new TimestampType(TimeUnit.Millisecond, "UTC")).Append(DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000)).Build();
        return new RecordBatch(Schemas.Message,
        [
            new BinaryArray.Builder().Append("k"u8).Build(),
            new BinaryArray.Builder().Append("v"u8).Build(),
            new StringArray.Builder().Append("events").Build(),
            new Int32Array.Builder().Append(0).Build(),
            new Int64Array.Builder().Append(7).Build(),
            timestamp,
        ], 1);
    }

    [Theory]
    [InlineData("arrow")]
    [InlineData("arrows")]
    [InlineData("parquet")]
    [InlineData("jsonl")]
    [InlineData("csv")]
    public void A_sink_disposed_before_it_completes_leaves_no_file(string formatName)
    {
        var format = OutputFormats.FromName(formatName)!.Value;
        var path = Path.Combine(_folder, "out.data");
        using (var sink = MessageSink.ToFile(path, format, Schemas.Message))
        {
            using var batch = OneRow();
            sink.Write(batch);
            Assert.False(File.Exists(path));
        }

        Assert.Empty(Directory.GetFileSystemEntries(_folder));
    }

    [Fact]
    public void A_completed_sink_moves_its_file_into_place_over_an_older_one_and_leaves_no_temporary()
    {
        var path = Path.Combine(_folder, "out.arrow");
        File.WriteAllText(path, "an older file");
        using (var sink = MessageSink.ToFile(path, OutputFormat.Arrow, Schemas.Message))
        {
            using var batch = OneRow();
            sink.Write(batch);
            Assert.Equal("an older file", File.ReadAllText(path));
            sink.Complete();
        }

        Assert.Equal([path], Directory.GetFileSystemEntries(_folder));
        using var stream = File.OpenRead(path);
        using var reader = new ArrowFileReader(stream);
        using var read = reader.ReadNextRecordBatch();
        Assert.Equal(7, ((Int64Array)read.Column("offset")).GetValue(0));
    }
}
