using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace TypedKafka.Cli.Output;

/// <summary>
/// Writes batches to an Arrow IPC file. The file is written under a temporary name and renamed
/// when complete, so a reader never opens a file without its footer.
/// </summary>
internal sealed class ArrowFileSink : IBatchSink
{
    private readonly string _path;
    private readonly string _partialPath;
    private readonly FileStream _stream;
    private readonly ArrowFileWriter _writer;
    private bool _completed;

    public ArrowFileSink(string path, Schema schema)
    {
        _path = Path.GetFullPath(path);
        _partialPath = _path + ".partial";
        _stream = new FileStream(_partialPath, FileMode.Create, FileAccess.Write, FileShare.None);
        _writer = new ArrowFileWriter(_stream, schema, leaveOpen: true);
        _writer.WriteStart();
    }

    public long Rows { get; private set; }

    public void Write(RecordBatch batch)
    {
        if (batch.Length > 0)
        {
            _writer.WriteRecordBatch(batch);
            Rows += batch.Length;
        }
    }

    /// <summary>Writes the footer, flushes to disk and moves the file into place.</summary>
    public void Complete()
    {
        _writer.WriteEnd();
        _stream.Flush(flushToDisk: true);
        _writer.Dispose();
        _stream.Dispose();
        File.Move(_partialPath, _path, overwrite: true);
        _completed = true;
    }

    public void Dispose()
    {
        if (_completed)
        {
            return;
        }

        _writer.Dispose();
        _stream.Dispose();
        File.Delete(_partialPath);
    }
}
