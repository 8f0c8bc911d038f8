using System.Text;
using System.Text.Json;
using Apache.Arrow;
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
    private const int FirstMember = 5;

    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 64 };

    private readonly BadPayloadPolicy _policy;
    private readonly KeyCodec<TKey> _keys = KeyCodec<TKey>.Create();
    private readonly MessageColumns _values = T.CreateColumns();
    private readonly StringColumn _errors = new(nullable: true);
    private readonly BinaryColumn _rawValues = new(nullable: true);
    private readonly Dictionary<int, string> _badKeys = [];

    public TypedBatchDecoder(BadPayloadPolicy policy)
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown bad-payload policy.");
        }

        _policy = policy;
        Schema = BuildSchema(policy, _keys.ArrowType);
    }

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

            _badKeys.Clear();
            var keys = _keys.Convert(rawKeys, _badKeys);
            List<PayloadError>? errors = null;
            try
            {
                for (var row = 0; row < messages.Length; row++)
                {
                    var reason = DecodeValue(values, row);
                    if (_badKeys.TryGetValue(row, out var keyReason))
                    {
                        reason = reason is null ? keyReason : $"{keyReason}; {reason}";
                        if (_values.Length > row)
                        {
                            _values.Truncate(row);
                            _values.AppendNullRow();
                        }
                    }

                    if (reason is null)
                    {
                        AppendGood();
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
                    _errors.Append(Encoding.UTF8.GetBytes(reason));
                    if (raw is { } bytes)
                    {
                        _rawValues.Append(bytes.Span);
                    }
                    else
                    {
                        _rawValues.AppendNull();
                    }
                }
            }
            catch
            {
                keys.Dispose();
                Reset();
                throw;
            }

            var columns = new List<IArrowArray>(Schema.FieldsList.Count) { keys };
            for (var i = 2; i < 6; i++)
            {
                columns.Add(ArrowArrayFactory.BuildArray(messages.Column(i).Data.Retain()));
            }

            columns.AddRange(_values.Build());
            if (_policy == BadPayloadPolicy.Skip)
            {
                columns.Add(_errors.Build());
                columns.Add(_rawValues.Build());
            }

            var batch = new RecordBatch(Schema, columns, messages.Length);
            return create(batch, (IReadOnlyList<PayloadError>?)errors ?? [], _keys, FirstMember);
        }
    }

    /// <summary>Appends row <paramref name="row"/>'s value to the member columns, or a null row and the reason.</summary>
    private string? DecodeValue(BinaryArray values, int row)
    {
        if (values.IsNull(row))
        {
            _values.AppendNullRow();
            return "the value is null (a tombstone)";
        }

        var start = _values.Length;
        DecodeError error;
        try
        {
            var reader = new Utf8JsonReader(values.GetBytes(row), ReaderOptions);
            reader.Read();
            if (_values.TryRead(ref reader, out error))
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

    private void AppendGood()
    {
        if (_policy == BadPayloadPolicy.Skip)
        {
            _errors.AppendNull();
            _rawValues.AppendNull();
        }
    }

    /// <summary>Drops a half-decoded batch, so that the columns start the next one empty.</summary>
    private void Reset()
    {
        _values.Truncate(0);
        _errors.Truncate(0);
        _rawValues.Truncate(0);
    }

    private static Schema BuildSchema(BadPayloadPolicy policy, IArrowType keyType)
    {
        var builder = new Schema.Builder()
            .Field(new Field("key", keyType, nullable: true))
            .Field(new Field("topic", StringType.Default, nullable: false))
            .Field(new Field("partition", Int32Type.Default, nullable: false))
            .Field(new Field("offset", Int64Type.Default, nullable: false))
            .Field(new Field("timestamp", Schemas.UtcMilliseconds, nullable: false));
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

        return builder.Build();
    }
}
