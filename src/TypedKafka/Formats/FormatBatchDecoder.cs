using System.Text;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace TypedKafka.Formats;

/// <summary>
/// Turns batches of messages (<see cref="Schemas.Message"/>, with <c>event_time</c> and
/// <c>headers</c> where the consumer adds them) into batches whose <c>value</c> column is replaced
/// by the reader schema's fields: <c>key</c>, <c>topic</c>, <c>partition</c>, <c>offset</c>,
/// <c>timestamp</c>, [<c>event_time</c>], the fields, [<c>_error</c>, <c>_raw_value</c> under
/// <see cref="BadPayloadPolicy.Skip"/>], [<c>headers</c>]. The metadata columns move over without a
/// copy. Bad rows follow the same policy as the typed consumers' JSON. Not thread-safe.
/// </summary>
internal sealed class FormatBatchDecoder
{
    private static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "key", "topic", "partition", "offset", "timestamp", "event_time", "headers", "_error", "_raw_value",
    };

    private readonly PayloadDecoder _decoder;
    private readonly BadPayloadPolicy _policy;
    private readonly bool _eventTime;
    private readonly bool _headers;
    private readonly ErrorColumns _errorColumns = new();

    public FormatBatchDecoder(PayloadDecoder decoder, BadPayloadPolicy policy, bool eventTime, bool headers)
    {
        _decoder = decoder;
        _policy = policy;
        _eventTime = eventTime;
        _headers = headers;
        Schema = BuildSchema();
    }

    /// <summary>The schema of every batch returned, empty ones too.</summary>
    public Schema Schema { get; }

    /// <summary>Values that could not be decoded since the consumer started.</summary>
    public long BadPayloadCount { get; private set; }

    /// <summary>Decodes <paramref name="messages"/> and disposes it.</summary>
    /// <exception cref="BadPayloadException">Under <see cref="BadPayloadPolicy.Fail"/>, a value could not be decoded.</exception>
    public RecordBatch Decode(RecordBatch messages)
    {
        using (messages)
        {
            var values = (BinaryArray)messages.Column(1);
            var topics = (StringArray)messages.Column(2);
            var partitions = (Int32Array)messages.Column(3);
            var offsets = (Int64Array)messages.Column(4);
            List<PayloadError>? errors = null;
            try
            {
                for (var row = 0; row < messages.Length; row++)
                {
                    string reason;
                    if (values.IsNull(row))
                    {
                        reason = "the value is null (a tombstone)";
                    }
                    else
                    {
                        try
                        {
                            _decoder.DecodeRow(values.GetBytes(row));
                            continue;
                        }
                        catch (PayloadFormatException e)
                        {
                            reason = e.Message;
                            _decoder.Truncate(row);
                        }
                    }

                    _decoder.AppendNullRow();
                    BadPayloadCount++;
                    var raw = values.IsNull(row) ? (ReadOnlyMemory<byte>?)null : values.GetBytes(row).ToArray();
                    var error = new PayloadError(row, topics.GetString(row), partitions.Values[row], offsets.Values[row], raw, reason);
                    if (_policy == BadPayloadPolicy.Fail)
                    {
                        throw new BadPayloadException(error);
                    }

                    (errors ??= []).Add(error);
                }
            }
            catch
            {
                _decoder.Truncate(0);
                throw;
            }

            var columns = new List<IArrowArray>(Schema.FieldsList.Count) { Retain(messages.Column(0)) };
            var metadataEnd = _eventTime ? 7 : 6;
            for (var i = 2; i < metadataEnd; i++)
            {
                columns.Add(Retain(messages.Column(i)));
            }

            columns.AddRange(_decoder.Build());
            if (_policy == BadPayloadPolicy.Skip)
            {
                _errorColumns.AddTo(columns, messages.Length, errors);
            }

            if (_headers)
            {
                columns.Add(Retain(messages.Column(messages.ColumnCount - 1)));
            }

            return new RecordBatch(Schema, columns, messages.Length);
        }
    }

    private static IArrowArray Retain(IArrowArray array) => ArrowArrayFactory.BuildArray(array.Data.Retain());

    private Schema BuildSchema()
    {
        var builder = new Schema.Builder()
            .Field(new Field("key", BinaryType.Default, nullable: true))
            .Field(new Field("topic", StringType.Default, nullable: false))
            .Field(new Field("partition", Int32Type.Default, nullable: false))
            .Field(new Field("offset", Int64Type.Default, nullable: false))
            .Field(new Field("timestamp", Schemas.UtcMilliseconds, nullable: false));
        if (_eventTime)
        {
            builder.Field(new Field("event_time", Schemas.UtcMilliseconds, nullable: false));
        }

        foreach (var field in _decoder.Fields)
        {
            // A field named like a metadata column keeps its data under a prefixed name; under Skip bad rows make every field nullable.
            var name = Reserved.Contains(field.Name) ? "value_" + field.Name : field.Name;
            builder.Field(new Field(name, field.DataType, field.IsNullable || _policy == BadPayloadPolicy.Skip, field.Metadata));
        }

        if (_policy == BadPayloadPolicy.Skip)
        {
            builder.Field(new Field("_error", StringType.Default, nullable: true));
            builder.Field(new Field("_raw_value", BinaryType.Default, nullable: true));
        }

        if (_headers)
        {
            builder.Field(Schemas.HeadersField);
        }

        return builder.Build();
    }
}
