using Apache.Arrow;
using Apache.Arrow.Ipc;
using TypedKafka.IO;
using TypedKafka.Windows;

namespace TypedKafka.Cli.Output;

/// <summary>What <c>replay --out</c> writes.</summary>
internal enum OutputFormat
{
    /// <summary>Arrow IPC file (<c>.arrow</c>): a footer lets readers seek to any batch.</summary>
    Arrow,

    /// <summary>Arrow IPC stream (<c>.arrows</c>): no footer, readable while it is written.</summary>
    ArrowStream,

    /// <summary>Parquet (<c>.parquet</c>), Snappy-compressed, Arrow schema stored.</summary>
    Parquet,

    /// <summary>JSON lines (<c>.jsonl</c>), the rows of <c>tail --format json</c>.</summary>
    JsonLines,

    /// <summary>CSV (<c>.csv</c>) with a header, bytes as in the JSON lines.</summary>
    Csv,
}

/// <summary>The names and extensions of <see cref="OutputFormat"/>, and the choice between them for <c>--out</c>.</summary>
internal static class OutputFormats
{
    /// <summary><c>--out -</c>: standard output.</summary>
    public const string StandardOutput = "-";

    private static readonly (string Name, OutputFormat Format)[] All =
        [("arrow", OutputFormat.Arrow), ("arrows", OutputFormat.ArrowStream), ("parquet", OutputFormat.Parquet), ("jsonl", OutputFormat.JsonLines), ("csv", OutputFormat.Csv)];

    public static IEnumerable<string> Names => All.Select(f => f.Name);

    public static OutputFormat? FromName(string? name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase)) is { Name: not null } found ? found.Format : null;

    /// <summary>
    /// The format of <c>--out <paramref name="target"/></c>: <paramref name="formatName"/> when given,
    /// else the file's extension; on standard output the Arrow stream unless told otherwise.
    /// Returns null and sets <paramref name="error"/> when there is no such choice.
    /// </summary>
    public static OutputFormat? Choose(string target, string? formatName, out string? error)
    {
        error = null;
        var format = formatName is null ? null : FromName(formatName);
        if (target == StandardOutput)
        {
            format ??= OutputFormat.ArrowStream;
            if (format is OutputFormat.Arrow or OutputFormat.Parquet)
            {
                error = $"--out - (standard output) takes --format arrows, jsonl or csv; '{formatName}' needs a file (its footer is written last, over what came before).";
                return null;
            }

            return format;
        }

        format ??= FromName(Path.GetExtension(target).TrimStart('.'));
        if (format is null)
        {
            error = $"--out '{target}': the extension tells no format; name the file .arrow (Arrow IPC file), .arrows (Arrow IPC stream), .parquet, .jsonl or .csv, or give --format.";
        }

        return format;
    }
}

/// <summary>
/// The ordered stream written in one <see cref="OutputFormat"/>, to a file or to standard output. A
/// file is written through <see cref="AtomicFile"/>: it appears under its name only complete, on
/// <see cref="Complete"/>; a sink disposed before that leaves no file. Standard output is flushed
/// after each batch, so that a reader downstream sees rows as they come.
/// </summary>
internal sealed class MessageSink : IDisposable
{
    private readonly AtomicFile? _file;
    private readonly Stream _stream;
    private readonly FormatWriter _writer;
    private bool _completed;

    private MessageSink(AtomicFile? file, Stream stream, OutputFormat format, Schema schema)
    {
        _file = file;
        _stream = stream;
        _writer = format switch
        {
            OutputFormat.Arrow => new ArrowIpc(new ArrowFileWriter(stream, schema, leaveOpen: true)),
            OutputFormat.ArrowStream => new ArrowIpc(new ArrowStreamWriter(stream, schema, leaveOpen: true)),
            OutputFormat.Parquet => new Parquet(ParquetWindowFiles.OpenWriter(stream, schema)),
            OutputFormat.JsonLines => new JsonLines(stream),
            OutputFormat.Csv => new Csv(stream),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
        };
    }

    /// <summary>A sink writing <paramref name="path"/> atomically.</summary>
    public static MessageSink ToFile(string path, OutputFormat format, Schema schema)
    {
        var file = new AtomicFile(path);
        try
        {
            return new MessageSink(file, file.Stream, format, schema);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>A sink writing to <paramref name="stream"/> (standard output), which it leaves open.</summary>
    public static MessageSink ToStream(Stream stream, OutputFormat format, Schema schema) => new(null, stream, format, schema);

    /// <summary>The final path of a file sink; null on standard output.</summary>
    public string? Path => _file?.Path;

    public long Rows { get; private set; }

    public void Write(RecordBatch batch)
    {
        if (batch.Length == 0)
        {
            return;
        }

        _writer.Write(batch);
        Rows += batch.Length;
        if (_file is null)
        {
            _stream.Flush();
        }
    }

    /// <summary>Ends the format (footer, end-of-stream marker) and, for a file, moves it into place.</summary>
    public void Complete()
    {
        _writer.Finish();
        _writer.Close();
        _stream.Flush();
        _file?.Commit();
        _completed = true;
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _writer.Close();
        }

        _file?.Dispose();
    }

    /// <summary>One format over the sink's stream; <see cref="Close"/> releases what it holds, not the stream.</summary>
    private abstract class FormatWriter
    {
        public abstract void Write(RecordBatch batch);

        public virtual void Finish()
        {
        }

        public virtual void Close()
        {
        }
    }

    private sealed class ArrowIpc : FormatWriter
    {
        private readonly ArrowStreamWriter _writer;

        public ArrowIpc(ArrowStreamWriter writer)
        {
            _writer = writer;

            // The schema goes out first, so that a replay with no rows is still a readable file or stream.
            if (writer is ArrowFileWriter file)
            {
                file.WriteStart();
            }
            else
            {
                writer.WriteStart();
            }
        }

        public override void Write(RecordBatch batch) => _writer.WriteRecordBatch(batch);

        public override void Finish()
        {
            if (_writer is ArrowFileWriter file)
            {
                file.WriteEnd();
            }
            else
            {
                _writer.WriteEnd();
            }
        }

        public override void Close() => _writer.Dispose();
    }

    private sealed class Parquet(ParquetSharp.Arrow.FileWriter writer) : FormatWriter
    {
        // Buffered, as window files are: row groups by row count, whatever the poll's batch sizes.
        public override void Write(RecordBatch batch) => writer.WriteBufferedRecordBatch(batch);

        public override void Finish() => writer.Close();

        public override void Close() => writer.Dispose();
    }

    private sealed class JsonLines(Stream stream) : FormatWriter
    {
        private readonly MessageLines _lines = new(json: true);

        public override void Write(RecordBatch batch) => _lines.WriteJson(batch, stream);
    }

    private sealed class Csv : FormatWriter
    {
        private readonly CsvMessages _csv = new();
        private readonly Stream _stream;

        public Csv(Stream stream)
        {
            _stream = stream;
            stream.Write(CsvMessages.Header);
        }

        public override void Write(RecordBatch batch) => _csv.Write(batch, _stream);
    }
}
