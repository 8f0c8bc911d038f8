using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using DuckDB.NET.Data;
using Spectre.Console;
using TypedKafka.Testing;

namespace TypedKafka.Cli.Tests;

/// <summary>
/// <c>replay --out</c> in each format, read back by another reader (Arrow's, DuckDB's, System.Text.Json)
/// and compared row by row with what was produced, bytes that are not text included.
/// </summary>
public sealed class ReplayOutputTests : IDisposable
{
    private const long Base = 1_767_225_600_000;

    // Keys and values a text format can get wrong: not UTF-8, null, empty, and text with the CSV and JSON specials.
    private static readonly LocalMessage[] Messages =
    [
        new(0, Base + 0, [0xff, 0x00, 0xfe], [0x80, 0x81]),
        new(1, Base + 1, null, Encoding.UTF8.GetBytes("plain")),
        new(0, Base + 2, Encoding.UTF8.GetBytes("k,\"quoted\""), Encoding.UTF8.GetBytes("line one\nline two\r\nthree")),
        new(1, Base + 3, [], null),
        new(0, Base + 4, Encoding.UTF8.GetBytes("0xnot-hex"), Encoding.UTF8.GetBytes("ünïcødé ✓")),
        new(1, Base + 5, Encoding.UTF8.GetBytes("k"), []),
    ];

    private readonly LocalKafkaCluster _cluster = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("typedkafka-out-").FullName;
    private readonly SynchronizedStringWriter _stdout = new();
    private readonly SynchronizedStringWriter _stderr = new();
    private readonly MemoryStream _binaryStdout = new();

    public ReplayOutputTests()
    {
        _cluster.CreateTopic("mixed", 2);
        _cluster.Produce("mixed", Messages);
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _binaryStdout.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static IEnumerable<Row> Expected() =>
        Messages.Select(m => new Row("mixed", m.Partition, Offset(m), m.TimestampMs, m.Key, m.Value));

    // Each partition's offsets count up from 0 in the order produced.
    private static long Offset(LocalMessage message) => Messages.TakeWhile(m => m != message).Count(m => m.Partition == message.Partition);

    private Task<int> Replay(params string[] extra)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(_stdout) });
        string[] args = ["replay", "-b", _cluster.BootstrapServers, "--topic", "mixed:earliest", "--until", "end", .. extra];
        return TypedKafkaCommand.InvokeAsync(args, console, _stdout, _stderr, _ => null, new CancellationTokenSource(TimeSpan.FromMinutes(1)).Token, () => _binaryStdout);
    }

    private async Task<string> ReplayTo(string fileName, params string[] extra)
    {
        var path = Path.Combine(_folder, fileName);
        var exit = await Replay(["--out", path, .. extra]);
        Assert.True(exit == 0, _stderr.ToString() + _stdout.ToString());
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_folder).Select(Path.GetFileName));
        return path;
    }

    [Fact]
    public async Task An_arrow_extension_writes_an_arrow_ipc_file()
    {
        var path = await ReplayTo("out.arrow");
        using var stream = File.OpenRead(path);
        using var reader = new ArrowFileReader(stream);
        Assert.Equal(Expected(), ReadArrow(reader));
    }

    [Fact]
    public async Task An_arrows_extension_writes_an_arrow_ipc_stream()
    {
        var path = await ReplayTo("out.arrows");
        using var stream = File.OpenRead(path);
        using var reader = new ArrowStreamReader(stream);
        Assert.Equal(Expected(), ReadArrow(reader));
    }

    [Fact]
    public async Task A_parquet_extension_writes_parquet_that_duckdb_reads()
    {
        var path = await ReplayTo("out.parquet");
        Assert.Equal(Expected(), QueryDuckDb($"SELECT topic, partition, \"offset\", epoch_ms(timestamp), key, value FROM read_parquet('{path}')"));
    }

    [Fact]
    public async Task A_csv_extension_writes_csv_that_duckdb_reads_with_bytes_in_utf8_or_base64()
    {
        var path = await ReplayTo("out.csv");
        Assert.StartsWith("topic,partition,offset,timestamp,key,key_encoding,value,value_encoding\n", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        var rows = QueryDuckDb(
            "SELECT topic, partition, \"offset\", epoch_ms(timestamp::TIMESTAMPTZ), "
            + "CASE key_encoding WHEN 'base64' THEN from_base64(key) WHEN 'utf8' THEN encode(coalesce(key, '')) END, "
            + "CASE value_encoding WHEN 'base64' THEN from_base64(value) WHEN 'utf8' THEN encode(coalesce(value, '')) END "
            + $"FROM read_csv('{path}', header = true, all_varchar = true, quote = '\"', escape = '\"') ORDER BY epoch_ms(timestamp::TIMESTAMPTZ)");
        Assert.Equal(Expected(), rows);
    }

    [Fact]
    public async Task A_jsonl_extension_writes_json_lines_with_bytes_in_utf8_or_base64()
    {
        var path = await ReplayTo("out.jsonl");
        Assert.Equal(Expected(), ReadJsonLines(await File.ReadAllLinesAsync(path)));
    }

    [Fact]
    public async Task Format_overrides_the_extension()
    {
        var path = await ReplayTo("out.data", "--format", "arrows");
        using var stream = File.OpenRead(path);
        using var reader = new ArrowStreamReader(stream);
        Assert.Equal(Expected(), ReadArrow(reader));
    }

    [Fact]
    public async Task Dash_writes_an_arrow_stream_to_standard_output_and_progress_to_standard_error()
    {
        var exit = await Replay("--out", "-");

        Assert.True(exit == 0, _stderr.ToString());
        _binaryStdout.Position = 0;
        using var reader = new ArrowStreamReader(_binaryStdout, leaveOpen: true);
        Assert.Equal(Expected(), ReadArrow(reader));
        Assert.Equal(string.Empty, _stdout.ToString());
        Assert.Contains("wrote 6 rows to standard output", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dash_with_format_jsonl_writes_json_lines_to_standard_output()
    {
        var exit = await Replay("--out", "-", "--format", "jsonl");

        Assert.True(exit == 0, _stderr.ToString());
        var lines = Encoding.UTF8.GetString(_binaryStdout.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(Expected(), ReadJsonLines(lines));
    }

    [Theory]
    [InlineData("out.txt", null, "--out '{0}': the extension tells no format")]
    [InlineData("-", "parquet", "--out - (standard output) takes --format arrows, jsonl or csv")]
    [InlineData(null, "csv", "--format says how to write --out")]
    public async Task A_format_that_cannot_be_chosen_is_a_usage_error(string? fileName, string? format, string expected)
    {
        var target = fileName is null or "-" ? fileName : Path.Combine(_folder, fileName);
        string[] args = [.. target is null ? [] : new[] { "--out", target }, .. format is null ? [] : new[] { "--format", format }];
        var exit = await Replay(args);
        Assert.NotEqual(0, exit);
        Assert.Contains(string.Format(System.Globalization.CultureInfo.InvariantCulture, expected, target), _stderr.ToString() + _stdout.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder));
    }

    private static List<Row> ReadArrow(ArrowStreamReader reader)
    {
        var rows = new List<Row>();
        while (reader.ReadNextRecordBatch() is { } batch)
        {
            using (batch)
            {
                var keys = (BinaryArray)batch.Column("key");
                var values = (BinaryArray)batch.Column("value");
                for (var i = 0; i < batch.Length; i++)
                {
                    rows.Add(new Row(
                        ((StringArray)batch.Column("topic")).GetString(i),
                        ((Int32Array)batch.Column("partition")).GetValue(i)!.Value,
                        ((Int64Array)batch.Column("offset")).GetValue(i)!.Value,
                        ((TimestampArray)batch.Column("timestamp")).GetTimestamp(i)!.Value.ToUnixTimeMilliseconds(),
                        keys.IsNull(i) ? null : keys.GetBytes(i).ToArray(),
                        values.IsNull(i) ? null : values.GetBytes(i).ToArray()));
                }
            }
        }

        return rows;
    }

    private static List<Row> ReadJsonLines(IEnumerable<string> lines) =>
        [.. lines.Select(line =>
        {
            using var document = JsonDocument.Parse(line);
            var row = document.RootElement;
            return new Row(
                row.GetProperty("topic").GetString()!,
                row.GetProperty("partition").GetInt32(),
                row.GetProperty("offset").GetInt64(),
                DateTimeOffset.Parse(row.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds(),
                Bytes(row, "key"),
                Bytes(row, "value"));
        })];

    private static byte[]? Bytes(JsonElement row, string name) => row.GetProperty(name + "_encoding").GetString() switch
    {
        null => null,
        "utf8" => Encoding.UTF8.GetBytes(row.GetProperty(name).GetString()!),
        "base64" => row.GetProperty(name).GetBytesFromBase64(),
        var other => throw new InvalidOperationException($"unknown encoding {other}"),
    };

    private static List<Row> QueryDuckDb(string sql)
    {
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<Row>();
        while (reader.Read())
        {
            rows.Add(new Row(
                reader.GetString(0),
                Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
                Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture),
                reader.IsDBNull(4) ? null : Blob(reader.GetValue(4)),
                reader.IsDBNull(5) ? null : Blob(reader.GetValue(5))));
        }

        return rows;
    }

    private static byte[] Blob(object value) => value switch
    {
        byte[] bytes => bytes,
        Stream stream => ReadAll(stream),
        _ => throw new InvalidOperationException($"not a blob: {value.GetType()}"),
    };

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>One message as every format must give it back; bytes compared by content.</summary>
    private sealed record Row(string Topic, int Partition, long Offset, long TimestampMs, byte[]? Key, byte[]? Value)
    {
        public bool Equals(Row? other) =>
            other is not null && (Topic, Partition, Offset, TimestampMs) == (other.Topic, other.Partition, other.Offset, other.TimestampMs)
            && Same(Key, other.Key) && Same(Value, other.Value);

        public override int GetHashCode() => HashCode.Combine(Topic, Partition, Offset, TimestampMs);

        public override string ToString() =>
            $"{Topic}[{Partition}]@{Offset} {TimestampMs} key={Show(Key)} value={Show(Value)}";

        private static bool Same(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

        private static string Show(byte[]? bytes) => bytes is null ? "null" : Convert.ToHexString(bytes);
    }
}
