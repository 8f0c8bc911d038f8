using Apache.Arrow;
using ParquetSharp;
using ParquetSharp.Arrow;

namespace TypedKafka.Cli.Output;

/// <summary>A Parquet file of every batch (--out FILE.parquet), written to a .partial file and moved into place when complete, as <see cref="ArrowFileSink"/>.</summary>
internal sealed class ParquetFileSink : IBatchSink
{
    private readonly string _path;
    private readonly string _partialPath;
    private readonly WriterProperties _properties;
    private readonly ArrowWriterProperties _arrowProperties;
    private readonly FileWriter _writer;
    private bool _completed;

    public ParquetFileSink(string path, Schema schema)
    {
        _path = Path.GetFullPath(path);
        _partialPath = _path + ".partial";
        _properties = new WriterPropertiesBuilder().Compression(Compression.Snappy).Build();
        _arrowProperties = new ArrowWriterPropertiesBuilder().StoreSchema().Build();
        _writer = new FileWriter(_partialPath, schema, _properties, _arrowProperties);
    }

    public void Write(RecordBatch batch)
    {
        if (batch.Length > 0)
        {
            _writer.WriteRecordBatch(batch);
        }
    }

    public void Complete()
    {
        _writer.Close();
        _writer.Dispose();
        File.Move(_partialPath, _path, overwrite: true);
        _completed = true;
    }

    public void Dispose()
    {
        if (!_completed)
        {
            _writer.Dispose();
            File.Delete(_partialPath);
        }

        _arrowProperties.Dispose();
        _properties.Dispose();
    }
}

/// <summary>Where replay writes its ordered batches: an Arrow IPC file or a Parquet file, by the extension of --out.</summary>
internal interface IBatchSink : IDisposable
{
    void Write(RecordBatch batch);

    /// <summary>Finishes the file and moves it into place; a sink disposed without this leaves no file.</summary>
    void Complete();
}
