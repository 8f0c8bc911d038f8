using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Engine;

namespace TypedKafka;

/// <summary>
/// A <see cref="ConsumerManager"/> whose batches are decoded into <typeparamref name="T"/>'s
/// columns: the same timestamp order, replay and live modes, with JSON values read straight into
/// Arrow (or Avro or Protobuf values, for a <c>[KafkaMessage(Format = KafkaFormat.Avro)]</c> or <c>KafkaFormat.Protobuf</c> type, with the registry
/// of <see cref="ConsumerOptions.ValueFormat"/>), [KafkaHeader] members read from the headers, and
/// keys read as <typeparamref name="TKey"/> (string, byte[], int or long).
/// Not thread-safe: poll from one thread.
/// </summary>
/// <typeparam name="T">A [KafkaMessage] type.</typeparam>
/// <typeparam name="TKey">The key type: string (UTF-8), byte[] (raw), int or long (big-endian).</typeparam>
public class TypedConsumer<T, TKey> : IDisposable
    where T : IArrowMessage<T>
{
    private readonly ConsumerManager _manager;
    private readonly TypedBatchDecoder<T, TKey> _decoder;
    private BadPayloadException? _failure;
    private bool _disposed;

    /// <param name="config">librdkafka consumer settings; <c>bootstrap.servers</c> is required, <c>group.id</c> defaults to a fresh unique id.</param>
    /// <param name="topics">The topics to read, each with its offset policy. Order breaks timestamp ties.</param>
    /// <param name="cutoffMs">The switch from replay to live (Unix ms): a partition turns live at its end offset or at its first message at or after this time. Default: now. Not an end: messages keep coming, live; for an end use <see cref="ConsumerOptions.Until"/>.</param>
    /// <param name="batchSize">At most this many messages per poll.</param>
    /// <param name="maxHeldMessages">Above this many messages held for ordering, partitions that run ahead are paused.</param>
    /// <param name="maxHeldBytes">Above this many key and value bytes held for ordering, partitions that run ahead are paused.</param>
    /// <param name="badPayloadPolicy">What to do with a message that cannot be decoded; by default it is kept as a bad row and the replay goes on.</param>
    public TypedConsumer(
        IReadOnlyDictionary<string, string> config,
        IEnumerable<SourceTopic> topics,
        long? cutoffMs = null,
        int batchSize = EngineOptions.DefaultBatchSize,
        int maxHeldMessages = EngineOptions.DefaultMaxHeldMessages,
        long maxHeldBytes = EngineOptions.DefaultMaxHeldBytes,
        BadPayloadPolicy badPayloadPolicy = BadPayloadPolicy.Skip)
        : this(config, topics, new ConsumerOptions
        {
            CutoffMs = cutoffMs, BatchSize = batchSize, MaxHeldMessages = maxHeldMessages, MaxHeldBytes = maxHeldBytes, BadPayloadPolicy = badPayloadPolicy,
        })
    {
    }

    /// <param name="config">librdkafka consumer settings; <c>bootstrap.servers</c> is required, <c>group.id</c> defaults to a fresh unique id.</param>
    /// <param name="topics">The topics to read, each with its offset policy. Order breaks timestamp ties.</param>
    /// <param name="options">The consumer's settings, <see cref="ConsumerOptions.BadPayloadPolicy"/> among them; validated here.</param>
    public TypedConsumer(IReadOnlyDictionary<string, string> config, IEnumerable<SourceTopic> topics, ConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var valueDecoder = MemberDecoder(options);

        // The decoder here reads the values; the manager must hand them over as they came.
        options = WithEventTime(options with { ValueFormat = null });
        if (options.IncludeHeaders && T.ArrowSchema.GetFieldIndex("headers") >= 0)
        {
            throw new ArgumentException(
                $"{typeof(T).Name} has a member column named 'headers', like the column ConsumerOptions.{nameof(ConsumerOptions.IncludeHeaders)} adds to every batch; rename the member's column with [KafkaField(Column = \"...\")].",
                nameof(options));
        }

        // Checked before connecting: an unsupported key type or policy is a programming error.
        _decoder = new TypedBatchDecoder<T, TKey>(options.BadPayloadPolicy, eventTimeColumn: options.Timestamp is not null, headersColumn: options.IncludeHeaders, valueDecoder);

        // [KafkaHeader] members need the headers from the client; the batches still carry a headers column only when asked for.
        _manager = new ConsumerManager(config, topics, _decoder.ReadsHeaders ? options with { IncludeHeaders = true } : options);
    }

    /// <summary>The schema of every batch: metadata columns, member columns, and the error columns under <see cref="BadPayloadPolicy.Skip"/>.</summary>
    public Schema Schema => _decoder.Schema;

    /// <summary>Messages that could not be decoded since the consumer started.</summary>
    public long BadPayloadCount => _decoder.BadPayloadCount;

    /// <inheritdoc cref="ConsumerManager.IsLive"/>
    public bool IsLive => _manager.IsLive;

    /// <inheritdoc cref="ConsumerManager.IsComplete"/>
    public bool IsComplete => _manager.IsComplete;

    /// <inheritdoc cref="ConsumerManager.HeldMessageCount"/>
    public int HeldMessageCount => _manager.HeldMessageCount;

    /// <inheritdoc cref="ConsumerManager.PausedPartitionCount"/>
    public int PausedPartitionCount => _manager.PausedPartitionCount;

    /// <inheritdoc cref="ConsumerManager.PrimingWatermark"/>
    public long? PrimingWatermark => _manager.PrimingWatermark;

    /// <summary>
    /// Consumes for up to <paramref name="timeoutMs"/> and returns what can be released in order,
    /// decoded; never null, possibly empty. Dispose the batch when done with it.
    /// </summary>
    /// <exception cref="BadPayloadException">Under <see cref="BadPayloadPolicy.Fail"/>, a message could not be decoded; every later poll throws it again.</exception>
    public TypedBatch<T, TKey> Poll(int timeoutMs) => PollBatch(timeoutMs);

    /// <inheritdoc cref="Poll(int)"/>
    public TypedBatch<T, TKey> Poll(TimeSpan timeout) => PollBatch(ConsumerManager.TimeoutMs(timeout));

    /// <inheritdoc cref="ConsumerManager.PartitionState"/>
    public RecordBatch PartitionState() => _manager.PartitionState();

    /// <inheritdoc cref="ConsumerManager.CommitReleased"/>
    public bool CommitReleased() => _manager.CommitReleased();

    /// <inheritdoc cref="ConsumerManager.Commit"/>
    public bool Commit(IReadOnlyCollection<TopicPartitionOffset> offsets) => _manager.Commit(offsets);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Closes the consumer.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _disposed = true;
            _manager.Dispose();
        }
    }

    /// <summary>
    /// For a [KafkaMessage(Format = KafkaFormat.Avro or Protobuf)] type, the decoder of its values, with the
    /// registry of <see cref="ConsumerOptions.ValueFormat"/>; null for JSON types, which decode themselves.
    /// </summary>
    private static Formats.PayloadDecoder? MemberDecoder(ConsumerOptions options)
    {
        var format = T.CreateColumns().Format;
        var valueFormat = options.ValueFormat;
        if (format == KafkaFormat.Json)
        {
            if (valueFormat is not null)
            {
                // The record type decides how values are read; a second decoder would leave no value bytes for it.
                throw new ArgumentException(
                    $"{typeof(T).Name} decodes JSON values itself, so ConsumerOptions.{nameof(ConsumerOptions.ValueFormat)} must be left null; mark it [KafkaMessage(Format = KafkaFormat.{valueFormat})] to read {valueFormat} values, or use ConsumerManager for untyped ValueFormat batches.",
                    nameof(options));
            }

            return null;
        }

        if (valueFormat is null || valueFormat.Kind != format)
        {
            throw new ArgumentException(
                $"{typeof(T).Name} is a [KafkaMessage(Format = KafkaFormat.{format})] type: set ConsumerOptions.{nameof(ConsumerOptions.ValueFormat)} = ValueFormat.{format}(registry), the registry its writer schemas are read from.",
                nameof(options));
        }

        if (valueFormat.Subject is not null || valueFormat.SchemaId is not null)
        {
            // Two reader schemas would leave one of them silently unused.
            throw new ArgumentException(
                $"{typeof(T).Name}'s members are the reader schema, so ValueFormat.{format}'s subject and schemaId must be left null.",
                nameof(options));
        }

        return valueFormat.CreateMemberDecoder(T.CreateColumns(), typeof(T).Name);
    }

    /// <summary>Orders by <typeparamref name="T"/>'s [EventTime] member, when it has one.</summary>
    private static ConsumerOptions WithEventTime(ConsumerOptions options)
    {
        if (T.EventTime is { } eventTime)
        {
            if (options.Timestamp is not null)
            {
                // Two sources of the ordering time would leave one of them silently unused.
                throw new ArgumentException(
                    $"{typeof(T).Name} orders rows by its [EventTime] member '{eventTime.Name}', so ConsumerOptions.{nameof(ConsumerOptions.Timestamp)} must be left null; remove one of the two.",
                    nameof(options));
            }

            options = options with { Timestamp = eventTime.Read };
        }

        if (options.Timestamp is not null && T.ArrowSchema.GetFieldIndex("event_time") >= 0)
        {
            throw new ArgumentException(
                $"{typeof(T).Name} has a member column named 'event_time', like the column ConsumerOptions.{nameof(ConsumerOptions.Timestamp)} adds to every batch; rename the member's column with [KafkaField(Column = \"...\")].",
                nameof(options));
        }

        return options;
    }

    private protected virtual TypedBatch<T, TKey> CreateBatch(RecordBatch batch, IReadOnlyList<PayloadError> errors, KeyCodec<TKey> keys, int firstMember) =>
        new(batch, errors, keys, firstMember);

    private protected TypedBatch<T, TKey> PollBatch(int timeoutMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_failure is not null)
        {
            // Going on would drop the failed batch's messages without a trace.
            throw new BadPayloadException(_failure.Message, _failure);
        }

        var messages = _manager.Poll(timeoutMs);
        try
        {
            return _decoder.Decode(messages, CreateBatch);
        }
        catch (BadPayloadException e)
        {
            _failure = e;
            throw;
        }
    }
}

/// <summary>A <see cref="TypedConsumer{T, TKey}"/> whose keys are UTF-8 strings.</summary>
/// <typeparam name="T">A [KafkaMessage] type.</typeparam>
public sealed class TypedConsumer<T> : TypedConsumer<T, string>
    where T : IArrowMessage<T>
{
    /// <inheritdoc cref="TypedConsumer{T, TKey}.TypedConsumer(IReadOnlyDictionary{string, string}, IEnumerable{SourceTopic}, long?, int, int, long, BadPayloadPolicy)"/>
    public TypedConsumer(
        IReadOnlyDictionary<string, string> config,
        IEnumerable<SourceTopic> topics,
        long? cutoffMs = null,
        int batchSize = EngineOptions.DefaultBatchSize,
        int maxHeldMessages = EngineOptions.DefaultMaxHeldMessages,
        long maxHeldBytes = EngineOptions.DefaultMaxHeldBytes,
        BadPayloadPolicy badPayloadPolicy = BadPayloadPolicy.Skip)
        : base(config, topics, cutoffMs, batchSize, maxHeldMessages, maxHeldBytes, badPayloadPolicy)
    {
    }

    /// <inheritdoc cref="TypedConsumer{T, TKey}.TypedConsumer(IReadOnlyDictionary{string, string}, IEnumerable{SourceTopic}, ConsumerOptions)"/>
    public TypedConsumer(IReadOnlyDictionary<string, string> config, IEnumerable<SourceTopic> topics, ConsumerOptions options)
        : base(config, topics, options)
    {
    }

    /// <inheritdoc cref="TypedConsumer{T, TKey}.Poll(int)"/>
    public new TypedBatch<T> Poll(int timeoutMs) => (TypedBatch<T>)PollBatch(timeoutMs);

    /// <inheritdoc cref="TypedConsumer{T, TKey}.Poll(int)"/>
    public new TypedBatch<T> Poll(TimeSpan timeout) => (TypedBatch<T>)PollBatch(ConsumerManager.TimeoutMs(timeout));

    private protected override TypedBatch<T, string> CreateBatch(RecordBatch batch, IReadOnlyList<PayloadError> errors, KeyCodec<string> keys, int firstMember) =>
        new TypedBatch<T>(batch, errors, keys, firstMember);
}
