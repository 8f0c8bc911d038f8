using System.Text;
using System.Text.Json;
using Apache.Arrow;
using Apache.Arrow.Memory;
using Apache.Arrow.Types;
using TypedKafka.Columns;

namespace TypedKafka;

/// <summary>
/// Turns batches of <see cref="Schemas.Message"/> into typed batches: keys through the key codec,
/// values through <typeparamref name="T"/>'s generated columns, bad payloads through the policy.
/// One per consumer: the columns' buffers are reused batch after batch. Not thread-safe.
/// </summary>
internal sealed class TypedBatchDecoder<T, TKey>
    where T : IArrowMessage<T>
{
    /// <summary>The column of <typeparamref name="T"/>'s first member: after key, topic, partition, offset, timestamp (and event_time).</summary>
    internal static int FirstMember(bool eventTime) => eventTime ? 6 : 5;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private readonly BadPayloadPolicy _policy;
    private readonly KeyCodec<TKey> _keys = KeyCodec<TKey>.Create();
    private readonly MessageColumns _values = T.CreateColumns();
    private readonly ErrorColumns _errorColumns = new();
    private readonly Dictionary<int, string> _badKeys = [];
    private readonly bool _hasEventTimeColumn;
    private readonly EventTimeMember? _eventTime = T.EventTime;
    private readonly string? _missingEventTime;
    private readonly bool _headers;
    private readonly bool _headersIn;
    private readonly Formats.PayloadDecoder? _format;

    /// <param name="policy">What to do with a bad payload.</param>
    /// <param name="eventTimeColumn">Whether the messages come with an <c>event_time</c> column (<see cref="ConsumerOptions.Timestamp"/> is set), which the batches keep after <c>timestamp</c>.</param>
    /// <param name="headersColumn">
    /// Whether the batches end with the messages' <c>headers</c> column (<see cref="ConsumerOptions.IncludeHeaders"/>).
    /// The messages come with one when this is set or when <typeparamref name="T"/> reads members from headers (<see cref="ReadsHeaders"/>).
    /// </param>
    /// <param name="format">For a [KafkaMessage(Format = ...)] type other than JSON, the decoder of its values into columns of its members' Arrow types.</param>
    public TypedBatchDecoder(BadPayloadPolicy policy, bool eventTimeColumn = false, bool headersColumn = false, Formats.PayloadDecoder? format = null)
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown bad-payload policy.");
        }

        _policy = policy;
        _hasEventTimeColumn = eventTimeColumn || _eventTime is not null;
        _missingEventTime = _eventTime is null
            ? null
            : $"the event time is missing: [EventTime] member '{_eventTime.Name}' is absent, null or unreadable, so the message was ordered by its broker timestamp";
        _headers = headersColumn;
        _format = format;
        _headersIn = headersColumn || _values.ReadsHeaders;
        Schema = BuildSchema(policy, _keys.ArrowType, _hasEventTimeColumn, headersColumn);
    }

    /// <summary>Whether <typeparamref name="T"/> has [KafkaHeader] members, so that the messages must come with their headers.</summary>
    public bool ReadsHeaders => _values.ReadsHeaders;

    /// <summary>The schema of every batch this decoder returns.</summary>
    public Schema Schema { get; }

    /// <summary>Bad payloads met so far.</summary>
    public long BadPayloadCount { get; private set; }

    /// <summary>Decodes <paramref name="messages"/> and disposes it; the metadata columns move over without a copy.</summary>
    public TBatch Decode<TBatch>(RecordBatch messages, Func<RecordBatch, IReadOnlyList<PayloadError>, KeyCodec<TKey>, int, TBatch> create)
    {
        ArgumentNullException.ThrowIfNull(messages);
        ArgumentNullException.ThrowIfNull(create);
        using (messages)
        {
            var rawKeys = (BinaryArray)messages.Column(0);
            var values = (BinaryArray)messages.Column(1);
            var topics = (StringArray)messages.Column(2);
            var partitions = (Int32Array)messages.Column(3);
            var offsets = (Int64Array)messages.Column(4);
            var firstMember = FirstMember(_hasEventTimeColumn);
            var metadataEnd = firstMember + 1;
            if (messages.ColumnCount != metadataEnd + (_headersIn ? 1 : 0))
            {
                throw new InvalidOperationException($"Expected {metadataEnd + (_headersIn ? 1 : 0)} message columns, got {messages.ColumnCount}: the consumer and the decoder disagree on event_time or headers.");
            }

            var eventTimes = _eventTime is null ? null : (TimestampArray)messages.Column(6);
            var headers = _values.ReadsHeaders ? (ListArray)messages.Column(metadataEnd) : null;

            _badKeys.Clear();
            var keys = _keys.Convert(rawKeys, _badKeys);
            var checkKeys = _badKeys.Count > 0;
            List<PayloadError>? errors = null;

            // Spans taken once: each access through the array goes through its buffers' memory managers.
            var data = values.ValueBuffer.Span;
            var ends = values.ValueOffsets;
            var mayBeNull = values.NullCount > 0;
            try
            {
                for (var row = 0; row < messages.Length; row++)
                {
                    var reason = mayBeNull && values.IsNull(row)
                        ? Tombstone()
                        : _format is not null
                        ? DecodeFormatValue(data[ends[row]..ends[row + 1]], row)
                        : DecodeValue(data[ends[row]..ends[row + 1]], headers, row);
                    if (eventTimes is not null && reason is null && _values.EventTimeAt(_eventTime!.Column, row) != eventTimes.Values[row])
                    {
                        // The extractor read no time, and the engine fell back on the broker's: never a silent re-stamp.
                        reason = _missingEventTime;
                        _values.Truncate(row);
                        _values.AppendNullRow();
                    }
                    else if (eventTimes is not null && reason is not null && !(mayBeNull && values.IsNull(row))
                        && _eventTime!.Read(default, data[ends[row]..ends[row + 1]], null) is null)
                    {
                        // Bad rows are rare: reading the time again costs little, and says why the row sits where the broker's time put it.
                        reason = $"{_missingEventTime}; {reason}";
                    }

                    if (checkKeys && _badKeys.TryGetValue(row, out var keyReason))
                    {
                        reason = reason is null ? keyReason : $"{keyReason}; {reason}";

                        // The value may have decoded; the row is bad as a whole, so its members are null.
                        TruncateValues(row);
                        AppendNullValues();
                    }

                    if (reason is null)
                    {
                        continue;
                    }

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
                keys.Dispose();
                TruncateValues(0);
                throw;
            }

            var columns = new List<IArrowArray>(Schema.FieldsList.Count) { keys };
            for (var i = 2; i < metadataEnd; i++)
            {
                columns.Add(ArrowArrayFactory.BuildArray(messages.Column(i).Data.Retain()));
            }

            columns.AddRange(_format is null ? _values.Build() : BuildFormatValues());
            if (_policy == BadPayloadPolicy.Skip)
            {
                _errorColumns.AddTo(columns, messages.Length, errors);
            }

            if (_headers)
            {
                columns.Add(ArrowArrayFactory.BuildArray(messages.Column(metadataEnd).Data.Retain()));
            }

            var batch = new RecordBatch(Schema, columns, messages.Length);
            return create(batch, (IReadOnlyList<PayloadError>?)errors ?? [], _keys, firstMember);
        }
    }

    /// <summary>Appends a null row for a message without a value.</summary>
    private string Tombstone()
    {
        AppendNullValues();
        return "the value is null (a tombstone)";
    }

    private void AppendNullValues()
    {
        if (_format is null)
        {
            _values.AppendNullRow();
        }
        else
        {
            _format.AppendNullRow();
        }
    }

    private void TruncateValues(int rows)
    {
        if (_format is null)
        {
            _values.Truncate(rows);
        }
        else
        {
            _format.Truncate(rows);
        }
    }

    /// <summary>Appends a registry-format value to the member columns, or a null row and returns the reason.</summary>
    private string? DecodeFormatValue(ReadOnlySpan<byte> payload, int row)
    {
        try
        {
            _format!.DecodeRow(payload);
            return null;
        }
        catch (Formats.PayloadFormatException e)
        {
            _format!.Truncate(row);
            _format.AppendNullRow();
            return e.Message;
        }
    }

    /// <summary>
    /// The format decoder's columns under the member columns' types: the same layouts, but struct
    /// fields named by payload name there and by column name here.
    /// </summary>
    private IArrowArray[] BuildFormatValues()
    {
        var built = _format!.Build();
        var fields = T.ArrowSchema.FieldsList;
        var result = new IArrowArray[built.Length];
        for (var i = 0; i < built.Length; i++)
        {
            result[i] = ArrowArrayFactory.BuildArray(Retype(built[i].Data, fields[i].DataType));
        }

        return result;
    }

    private static ArrayData Retype(ArrayData data, IArrowType type)
    {
        var children = data.Children;
        if (children is { Length: > 0 })
        {
            children = type switch
            {
                ListType list => [Retype(children[0], list.ValueDataType)],
                StructType record => [.. children.Select((child, i) => Retype(child, record.Fields[i].DataType))],
                _ => children,
            };
        }

        return new ArrayData(type, data.Length, data.NullCount, data.Offset, data.Buffers, children);
    }

    /// <summary>Appends a payload to the member columns, or a null row and returns the reason.</summary>
    private string? DecodeValue(ReadOnlySpan<byte> payload, ListArray? headers, int row)
    {
        if (_values.TryReadPlain(payload))
        {
            return null;
        }

        var start = _values.Length;
        DecodeError error;
        try
        {
            var reader = new Utf8JsonReader(payload, ReaderOptions);
            reader.Read();
            var read = headers is null
                ? _values.TryRead(ref reader, out error)
                : _values.TryRead(ref reader, new MessageHeaders(headers, row), out error);
            if (read)
            {
                // Whitespace may follow the object; anything else makes Read throw.
                reader.Read();
                return null;
            }
        }
        catch (JsonException e)
        {
            error = DecodeError.Create("malformed JSON: " + e.Message);
        }

        _values.Truncate(start);
        _values.AppendNullRow();
        return error.ToString();
    }

    private static Schema BuildSchema(BadPayloadPolicy policy, IArrowType keyType, bool eventTime, bool headers)
    {
        var builder = new Schema.Builder()
            .Field(new Field("key", keyType, nullable: true))
            .Field(new Field("topic", StringType.Default, nullable: false))
            .Field(new Field("partition", Int32Type.Default, nullable: false))
            .Field(new Field("offset", Int64Type.Default, nullable: false))
            .Field(new Field("timestamp", Schemas.UtcMilliseconds, nullable: false));
        if (eventTime)
        {
            builder.Field(new Field("event_time", Schemas.UtcMilliseconds, nullable: false));
        }

        foreach (var field in T.ArrowSchema.FieldsList)
        {
            // Bad rows have null members: under Skip every member column can hold nulls.
            builder.Field(policy == BadPayloadPolicy.Skip && !field.IsNullable ? new Field(field.Name, field.DataType, nullable: true, field.Metadata) : field);
        }

        if (policy == BadPayloadPolicy.Skip)
        {
            builder.Field(new Field("_error", StringType.Default, nullable: true));
            builder.Field(new Field("_raw_value", BinaryType.Default, nullable: true));
        }

        if (headers)
        {
            builder.Field(Schemas.HeadersField);
        }

        return builder.Build();
    }
}
