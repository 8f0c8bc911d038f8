using System.Diagnostics;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Engine;
using TypedKafka.Kafka;
using TypedKafka.Telemetry;

namespace TypedKafka;

/// <summary>
/// Reads topics from Kafka and returns their messages as Arrow batches of <see cref="Schemas.Message"/>
/// in timestamp order across all partitions: history first, from each topic's offset policy, then
/// live, or up to an end (<see cref="ConsumerOptions.Until"/>).
/// One thread at a time: a second thread entering <see cref="Poll(int)"/> (or <see cref="PartitionState"/>,
/// <see cref="CommitReleased"/>) while one is inside gets an <see cref="InvalidOperationException"/>.
/// <see cref="Dispose"/> may be called from any thread at any time: a poll in progress returns promptly.
/// </summary>
public sealed class ConsumerManager : IDisposable
{
    // A blocked poll waits on the client in slices this long at most, so that Dispose is seen promptly.
    private const int WaitSliceMs = 100;

    // During replay, how long a poll that has taken rows in waits for the client's queue to refill before releasing them.
    private const int RefillGraceMs = 5;

    private readonly IConsumer<StagedBytes, StagedBytes> _consumer;
    private readonly OrderedMergeEngine _engine;
    private readonly StagingArea _staging = new();
    private readonly int _batchSize;
    private readonly GroupMembership? _membership;
    private readonly PartitionDiscovery? _discovery;
    private readonly IAdminClient? _discoveryAdmin;
    private readonly ConsumerConfig _settings;
    private PartitionLookup _lookup;
    private readonly TimeProvider _clock;
    private readonly bool _failOnDataLoss;
    private readonly Microsoft.Extensions.Logging.ILogger? _logger;
    private readonly TimeSpan _requestTimeout;
    private readonly MessageTimestamp? _eventTime;
    private readonly ConsumerTelemetry _telemetry;
    private readonly bool _includeHeaders;
    private readonly Formats.FormatBatchDecoder? _values;
    private readonly IMessageIntake _intake;
    private Exception? _valueFailure;
    private Error? _fatalError;
    private DataLossException? _dataLoss;

    // 1 while a thread is inside the engine (Poll, PartitionState, commits); Dispose waits for it to leave.
    private int _busy;
    private int _disposed;

    /// <param name="config">librdkafka consumer settings; <c>bootstrap.servers</c> is required, <c>group.id</c> defaults to a fresh unique id.</param>
    /// <param name="topics">The topics to read, each with its offset policy. Order breaks timestamp ties.</param>
    /// <param name="cutoffMs">The switch from replay to live (Unix ms): a partition turns live at its end offset or at its first message at or after this time. Default: now. Not an end: messages keep coming, live; for an end use <see cref="ConsumerOptions.Until"/>.</param>
    /// <param name="batchSize">At most this many messages per <see cref="Poll(int)"/>.</param>
    /// <param name="maxHeldMessages">Above this many messages held for ordering, partitions that run ahead are paused.</param>
    /// <param name="maxHeldBytes">Above this many key and value bytes held for ordering, partitions that run ahead are paused.</param>
    public ConsumerManager(
        IReadOnlyDictionary<string, string> config,
        IEnumerable<SourceTopic> topics,
        long? cutoffMs = null,
        int batchSize = EngineOptions.DefaultBatchSize,
        int maxHeldMessages = EngineOptions.DefaultMaxHeldMessages,
        long maxHeldBytes = EngineOptions.DefaultMaxHeldBytes)
        : this(config, topics, new ConsumerOptions { CutoffMs = cutoffMs, BatchSize = batchSize, MaxHeldMessages = maxHeldMessages, MaxHeldBytes = maxHeldBytes })
    {
    }

    /// <param name="config">librdkafka consumer settings; <c>bootstrap.servers</c> is required, <c>group.id</c> defaults to a fresh unique id.</param>
    /// <param name="topics">The topics to read, each with its offset policy. Order breaks timestamp ties.</param>
    /// <param name="options">Batch size, cutoff, memory bounds, the end of a bounded read, live ordering; validated here.</param>
    public ConsumerManager(IReadOnlyDictionary<string, string> config, IEnumerable<SourceTopic> topics, ConsumerOptions options)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentNullException.ThrowIfNull(options);
        var topicList = ValidateTopics(topics);
        options.Validate();
        _clock = options.TimeProvider;
        var engineOptions = new EngineOptions(
            options.CutoffMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), options.BatchSize, options.MaxHeldMessages, options.MaxHeldBytes)
        {
            LiveHoldMs = options.LiveOrdering is LiveOrdering.Held held ? (long)held.MaxDelay.TotalMilliseconds : null,
            IdleTimeoutMs = options.IdleTimeout is { } idle ? (long)idle.TotalMilliseconds : null,
            MaxOutOfOrdernessMs = (long)options.MaxOutOfOrderness.TotalMilliseconds,
            EventTime = options.Timestamp is not null,
            PaceSpeed = options.Pace is ReplayPace.AtRecordedPace paced ? paced.Speed : null,
            Headers = options.IncludeHeaders,
        };
        _eventTime = options.Timestamp;
        _includeHeaders = options.IncludeHeaders;

        // The reader schema is asked of the registry before connecting: a wrong subject fails here, naming it.
        _values = options.ValueFormat is { } format
            ? new Formats.FormatBatchDecoder(format.CreateDecoder([.. topicList.Select(t => t.Name)]), options.BadPayloadPolicy, options.Timestamp is not null, options.IncludeHeaders)
            : null;
        var settings = ConsumerSettings.Build(config, topicList.Count, out var requestTimeout, withHeaders: options.Timestamp is not null || options.IncludeHeaders, maxHeldBytes: options.MaxHeldBytes);
        if (options.ConsumerGroup is { } group)
        {
            GroupMembership.Configure(settings, config, group);
            _membership = new GroupMembership(group, topicList, options, settings, requestTimeout);
        }

        _settings = settings;
        _batchSize = options.BatchSize;
        _failOnDataLoss = options.FailOnDataLoss;
        _logger = options.Logger;
        _requestTimeout = requestTimeout;

        _consumer = BuildConsumer(settings);
        try
        {
            _intake = SelectIntake(options.NativeIntake, topicList.Count);
            using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
            var source = new KafkaOffsetSource(_consumer, admin, requestTimeout, settings);
            if (_membership is not null)
            {
                // Partitions come by rebalance, inside a later poll; an unknown topic still fails here, named.
                foreach (var topic in topicList)
                {
                    source.Partitions(topic.Name);
                }

                _engine = new OrderedMergeEngine([], engineOptions, [.. topicList.Select(t => t.Name)]);
                _lookup = new PartitionLookup(_engine);
                _membership.Start(_consumer, _engine, () =>
                {
                    _lookup = new PartitionLookup(_engine);
                    _intake.PartitionsChanged((topic, partition) => _lookup.IndexOf(topic, partition) >= 0);
                });
                _telemetry = ConsumerTelemetry.Register(_consumer, _engine, options.ConsumerGroup);
                return;
            }

            var specs = ReplayBounds.Apply(OffsetResolver.Resolve(topicList, source, DateTimeOffset.UtcNow), options.Until, _clock.GetUtcNow());
            _engine = new OrderedMergeEngine(specs, engineOptions);
            _lookup = new PartitionLookup(_engine);

            // Explicit offsets at assignment: a Seek right after Assign fails with "Erroneous state" in this client.
            _consumer.Assign(specs.Select(s => new TopicPartitionOffset(s.Topic, s.Partition, s.StartOffset)));
            _telemetry = ConsumerTelemetry.Register(_consumer, _engine, config.TryGetValue("group.id", out var groupId) ? groupId : options.ConsumerGroup);
            if (options.PartitionDiscoveryInterval is { } interval)
            {
                _discovery = new PartitionDiscovery(topicList, interval, options.Until);
                _discoveryAdmin = new DependentAdminClientBuilder(_consumer.Handle).Build();
            }
        }
        catch
        {
            _intake?.Dispose();
            _membership?.Dispose();
            _consumer.Dispose();
            throw;
        }
    }

    /// <summary>Every partition has caught up and everything before that was released.</summary>
    public bool IsLive => _engine.IsLive;

    /// <summary>Which intake reads the client: "native" (librdkafka's batch call) or "plain" (Confluent's Consume).</summary>
    internal string Intake => _intake.Name;

    /// <summary>This consumer's observations on the <c>TypedKafka</c> meter (docs/telemetry.md).</summary>
    internal ConsumerTelemetry Telemetry => _telemetry;

    /// <summary>
    /// A bounded read (<see cref="ConsumerOptions.Until"/>) is over: every partition reached its end
    /// and everything before it was released. <see cref="Poll(int)"/> then returns empty batches at once.
    /// Always false without an end.
    /// </summary>
    public bool IsComplete => _engine.IsComplete;

    /// <summary>Messages consumed and held back for ordering.</summary>
    public int HeldMessageCount => _engine.HeldMessageCount;

    /// <summary>Partitions read now: in a consumer group (<see cref="ConsumerOptions.ConsumerGroup"/>), those this member holds, possibly none.</summary>
    public int PartitionCount => _engine.PartitionCount;

    /// <summary>Partitions paused because the held messages reached a bound.</summary>
    public int PausedPartitionCount => _engine.PausedPartitionCount;

    /// <summary>
    /// The low-water mark (Unix ms) up to which messages can be released in order; null once every
    /// partition is caught up, and while a partition still replaying has delivered nothing.
    /// Read it as <see cref="Poll(int)"/> is called, one thread at a time: another thread's poll in progress refuses it.
    /// </summary>
    public long? PrimingWatermark
    {
        get
        {
            // Reading it brings the engine's watermark up to date, a change like a poll's: one thread at a time.
            using var entered = Enter();
            return _engine.Watermark;
        }
    }

    /// <summary>
    /// Consumes for up to <paramref name="timeoutMs"/> and returns what can be released in order,
    /// at most the batch size; never null, possibly empty. During replay it keeps consuming, within
    /// the timeout, until a batch's worth has come in or the client's queue stays empty for a few
    /// milliseconds (full batches cost less per message, but rows that can go out are not held
    /// back while the client waits on the network); once replay is over it returns as soon as
    /// something can be released.
    /// Dispose the batch when done with it.
    /// </summary>
    /// <param name="timeoutMs">How long to wait, 0 or more; <see cref="Timeout.Infinite"/> (-1) waits until something can be released.</param>
    public RecordBatch Poll(int timeoutMs)
    {
        if (timeoutMs < Timeout.Infinite)
        {
            throw new ArgumentOutOfRangeException(nameof(timeoutMs), timeoutMs, "The timeout must be 0 or more milliseconds, or Timeout.Infinite (-1).");
        }

        using var entered = Enter();
        ThrowIfFailed();
        if (_valueFailure is { } failure)
        {
            // Going on would drop the failed batch's other rows without a trace.
            throw failure is BadPayloadException bad
                ? new BadPayloadException(bad.Message, bad)
                : new InvalidOperationException($"The consumer stopped when values could not be decoded: {failure.Message}", failure);
        }

        var deadline = timeoutMs == Timeout.Infinite ? long.MaxValue : Stopwatch.GetTimestamp() + (timeoutMs * Stopwatch.Frequency / 1000);
        while (true)
        {
            _engine.Advance(NowMs());
            if (_discovery is not null && _discovery.Due(NowMs()))
            {
                DiscoverPartitions();
            }

            if (!_engine.IsComplete)
            {
                Consume(deadline);
                _engine.Advance(NowMs());
            }

            var batch = _engine.Release();
            ApplyBackpressure();
            if (batch.Length > 0 || _engine.IsComplete || Stopwatch.GetTimestamp() >= deadline || IsDisposed)
            {
                _telemetry.Refresh();
                return _values is null ? batch : DecodeValues(batch);
            }

            batch.Dispose();
        }
    }

    /// <summary>
    /// The schema of every batch: <see cref="Schemas.Message"/> (with <c>event_time</c> and <c>headers</c>
    /// where set), or with <see cref="ConsumerOptions.ValueFormat"/> the metadata columns, the reader
    /// schema's fields and, under <see cref="BadPayloadPolicy.Skip"/>, <c>_error</c> and <c>_raw_value</c>.
    /// </summary>
    public Apache.Arrow.Schema Schema => _values?.Schema ?? ReleasedSchema;

    /// <summary>Values that <see cref="ConsumerOptions.ValueFormat"/> could not decode since the consumer started.</summary>
    public long BadPayloadCount => _values?.BadPayloadCount ?? 0;

    /// <inheritdoc cref="Poll(int)"/>
    /// <param name="timeout">How long to wait, zero or more; <see cref="Timeout.InfiniteTimeSpan"/> waits until something can be released.</param>
    public RecordBatch Poll(TimeSpan timeout) => Poll(TimeoutMs(timeout));

    /// <summary>One row per partition, of <see cref="Schemas.PartitionState"/>.</summary>
    public RecordBatch PartitionState()
    {
        using var entered = Enter();
        return _engine.PartitionState();
    }

    /// <summary>
    /// Commits, for the consumer group, the offsets after the last released message of each
    /// partition, so that <see cref="SourceTopic.FromCommitted"/> resumes after them. Nothing is
    /// committed unless this is called. With a <see cref="ConsumerOptions.ConsumerGroup"/>, a commit
    /// the brokers refuse because the group is rebalancing is logged and counted, not thrown: the next
    /// commit (or the revocation's) names the same offsets again.
    /// </summary>
    /// <returns>True when the offsets were committed (or there was nothing to commit); false when a rebalance refused them.</returns>
    public bool CommitReleased()
    {
        using var entered = Enter();
        if (_membership is not null)
        {
            _membership.CommitsOn = true;
        }

        var offsets = new List<TopicPartitionOffset>();
        for (var i = 0; i < _engine.PartitionCount; i++)
        {
            var spec = _engine.Partition(i);
            var released = _engine.ReleasedOffset(i);
            if (released >= spec.StartOffset)
            {
                offsets.Add(new TopicPartitionOffset(spec.Topic, spec.Partition, released + 1));
            }
        }

        return CommitOffsets(offsets);
    }

    /// <summary>
    /// Commits, for the consumer group, exactly these next offsets (the offset after the last row
    /// done in each partition): for callers that handle released rows in parts, so that
    /// <see cref="CommitReleased"/> would commit rows that are not done yet (a window still open).
    /// In a consumer group, the offsets of
    /// partitions this consumer no longer holds are left out.
    /// </summary>
    /// <param name="offsets">Next offsets, at most one per partition.</param>
    /// <returns>True when the offsets were committed (or none was left to commit); false when a rebalance refused them.</returns>
    public bool Commit(IReadOnlyCollection<TopicPartitionOffset> offsets)
    {
        using var entered = Enter();
        if (_membership is not null)
        {
            // A partition revoked since those rows were released belongs to another member now: its commits are the new owner's.
            offsets = [.. offsets.Where(o => _engine.Holds(o.Topic, o.Partition.Value))];
        }

        return CommitOffsets(offsets);
    }

    private bool CommitOffsets(IReadOnlyCollection<TopicPartitionOffset> offsets)
    {
        if (offsets.Count == 0)
        {
            return true;
        }

        try
        {
            _consumer.Commit(offsets);
            return true;
        }
        catch (KafkaException e) when (_membership is not null && GroupMembership.IsRebalanceError(e.Error.Code))
        {
            // A group rebalancing refuses commits for a moment; failing the consumer for it would turn
            // every rebalance into an outage. Counted and logged instead; nothing is lost (see CommitFailed).
            _membership.CommitFailed(offsets, e);
            return false;
        }
    }

    /// <summary>
    /// Closes the consumer; held messages that were not released are dropped (nothing was committed
    /// for them). Safe from any thread at any time, and never throws: a poll in progress on another
    /// thread returns within a fraction of a second, and the client is closed once it has.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _telemetry.Dispose();

        // Wait for a thread inside the engine or the client to leave: freeing them under it would corrupt native memory.
        var spin = default(SpinWait);
        while (Volatile.Read(ref _busy) != 0)
        {
            spin.SpinOnce(sleep1Threshold: 10);
        }

        try
        {
            // Messages taken ahead hold the client's buffers: they go before the client closes.
            _intake.Dispose();
            if (_membership is not null)
            {
                _membership.CommitBeforeClose();
                _membership.LeaveBeforeClose(_requestTimeout);
            }

            _consumer.Close();
        }
        catch (KafkaException)
        {
            // Closing only tells the brokers goodbye; with them unreachable there is no one to tell.
        }
        catch (ObjectDisposedException)
        {
            // Already closed by the client itself.
        }
        finally
        {
            // The admin clients share the consumer's handle: they go first.
            _membership?.Dispose();
            _discoveryAdmin?.Dispose();
            _consumer.Dispose();
            _engine.Dispose();
        }
    }

    /// <summary>A poll timeout in milliseconds: <see cref="Timeout.InfiniteTimeSpan"/> is <see cref="Timeout.Infinite"/>, other negative values are refused.</summary>
    internal static int TimeoutMs(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Timeout.Infinite;
        }

        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be zero or more, or Timeout.InfiniteTimeSpan.");
        }

        return (int)Math.Min(Math.Ceiling(timeout.TotalMilliseconds), int.MaxValue);
    }

    private bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    private Apache.Arrow.Schema ReleasedSchema =>
        _includeHeaders
            ? new Apache.Arrow.Schema([.. (_eventTime is null ? Schemas.Message : Schemas.MessageWithEventTime).FieldsList, Schemas.HeadersField], null)
            : _eventTime is null ? Schemas.Message : Schemas.MessageWithEventTime;

    /// <summary>
    /// Replaces the value column by the reader schema's fields. A bad value under BadPayloadPolicy.Fail,
    /// or a registry that cannot be asked for a schema, stops the consumer: the batch's rows were
    /// released and cannot be decoded, and later polls would go on past them.
    /// </summary>
    private RecordBatch DecodeValues(RecordBatch batch)
    {
        try
        {
            return _values!.Decode(batch);
        }
        catch (Exception e) when (e is BadPayloadException or InvalidOperationException)
        {
            _valueFailure = e;
            throw;
        }
    }

    private long NowMs() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Lets one thread at a time into the engine and the client; Dispose waits for it to leave.</summary>
    private BusyScope Enter()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                "Another thread is polling this consumer. ConsumerManager is used from one thread at a time; only Dispose may be called from another thread.");
        }

        if (IsDisposed)
        {
            Volatile.Write(ref _busy, 0);
            throw new ObjectDisposedException(nameof(ConsumerManager));
        }

        return new BusyScope(this);
    }

    private readonly struct BusyScope(ConsumerManager owner) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref owner._busy, 0);
    }

    private static List<SourceTopic> ValidateTopics(IEnumerable<SourceTopic> topics)
    {
        var list = topics.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one topic is needed.", nameof(topics));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in list)
        {
            ArgumentNullException.ThrowIfNull(topic, nameof(topics));
            topic.Validate();
            if (!seen.Add(topic.Name))
            {
                throw new ArgumentException($"Topic '{topic.Name}' is listed twice; each topic can have one offset policy.", nameof(topics));
            }
        }

        return list;
    }

    private IConsumer<StagedBytes, StagedBytes> BuildConsumer(ConsumerConfig config)
    {
        var deserializer = new StagingDeserializer(_staging);
        var clientErrors = new ClientErrorMonitor();
        try
        {
            var builder = new ConsumerBuilder<StagedBytes, StagedBytes>(config)
                .SetKeyDeserializer(deserializer)
                .SetValueDeserializer(deserializer)
                .SetErrorHandler((_, error) =>
                {
                    // The client retries most errors itself (a broker down, a connection reset); the
                    // monitor singles out fatal ones and those that recur without progress.
                    if (clientErrors.Observe(error) is { } failure)
                    {
                        _fatalError ??= failure;
                    }
                    else if (_logger is not null)
                    {
                        ConsumerLog.ClientError(_logger, error.Code, error.Reason);
                    }
                })
                .SetLogHandler((_, line) =>
                {
                    // librdkafka's own lines; they never carry config values (its debug contexts are off unless "debug" is set).
                    var level = ConsumerLog.LevelOf(line.Level);
                    if (_logger is not null && _logger.IsEnabled(level))
                    {
                        ConsumerLog.Client(_logger, level, line.Facility, line.Message);
                    }
                });
            return (_membership?.Attach(builder) ?? builder).Build();
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Invalid consumer config: {e.Message}", nameof(config), e);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"Invalid consumer config: {e.Message}", nameof(config), e);
        }
    }

    /// <summary>
    /// librdkafka's batch call on this client's handle where it can bind, else Confluent's Consume (logged).
    /// Consume when asked for (<paramref name="native"/> false, or the environment variable
    /// <c>TYPEDKAFKA_INTAKE=plain</c>), and for an event-time reader: its <see cref="ConsumerOptions.Timestamp"/>
    /// reads Confluent's header objects.
    /// </summary>
    private IMessageIntake SelectIntake(bool? native, int topicCount)
    {
        var plain = new ConfluentIntake(_consumer, _staging, _includeHeaders);
        if (!(native ?? !string.Equals(Environment.GetEnvironmentVariable("TYPEDKAFKA_INTAKE"), "plain", StringComparison.OrdinalIgnoreCase)) || _eventTime is not null)
        {
            return plain;
        }

        if (Kafka.Native.NativeIntake.TryCreate(_consumer, _includeHeaders, resolveTopics: topicCount > 1, out var failure) is { } batch)
        {
            return batch;
        }

        if (_logger is not null)
        {
            ConsumerLog.NativeIntakeUnavailable(_logger, failure!);
        }

        return plain;
    }

    /// <summary>
    /// Takes in up to a batch of messages. During replay it waits, until the deadline, for a first
    /// message, then for more while the client's queue keeps refilling: history is there to be read,
    /// and small batches cost more per message. Once replay is over it takes what is already there,
    /// so live messages are not held back.
    /// </summary>
    private void Consume(long deadline)
    {
        for (var intake = 0; intake < _batchSize;)
        {
            IntakeRecord record;
            bool taken;
            try
            {
                // Take what is queued without a timeout (no clock reads per message); wait only when nothing is.
                taken = _intake.TryTake(0, out record);
                if (!taken && _engine.HasBacklog)
                {
                    // Rows are ready to go out: waiting for the client would only delay them.
                    return;
                }

                if (!taken && (intake == 0 || !_engine.AllCaughtUp))
                {
                    // With some intake, wait only a short refill: librdkafka fills its queue a fetch
                    // response at a time, so a queue that stays dry this long is waiting on the network,
                    // and the rows already taken may be releasable now (waiting out the poll's whole
                    // timeout for a full batch made replays up to 100 ms per batch slower).
                    var wait = intake == 0 ? WaitMs(deadline) : Math.Min(WaitMs(deadline), RefillGraceMs);
                    if (wait == 0 || IsDisposed)
                    {
                        return;
                    }

                    taken = _intake.TryTake(wait, out record);
                    if (!taken && intake > 0)
                    {
                        return;
                    }

                    if (!taken)
                    {
                        // A slice ran out: look again at the deadline, at Dispose, and at what the clock may have made releasable.
                        continue;
                    }

                    _engine.Advance(NowMs());
                }
            }
            catch (ConsumeException e) when (e.Error.Code == ErrorCode.Local_AutoOffsetReset)
            {
                OnPositionOutOfRange(e);
                continue;
            }
            catch (ConsumeException e) when (_membership is not null && e.Error.Code == ErrorCode.Local_MaxPollExceeded)
            {
                // The member stopped polling for too long and left the group; the client rejoins and
                // reports its partitions lost (nothing committed for them) at the next Consume.
                continue;
            }
            catch (ConsumeException e) when (!e.Error.IsFatal && ConsumerErrors.IsTransient(e.Error.Code))
            {
                // The client retries these itself (a fetch that timed out, a leader that moved).
                continue;
            }
            catch (ConsumeException e)
            {
                throw new KafkaException(new Error(e.Error.Code, $"Consuming {Describe(e.ConsumerRecord)} failed: {e.Error.Reason}", e.Error.IsFatal), e);
            }

            ThrowIfFailed();
            if (!taken)
            {
                return;
            }

            var index = _lookup.IndexOf(record.Topic, record.Partition);
            if (index < 0)
            {
                continue;
            }

            if (record.IsPartitionEof)
            {
                _engine.EndOfPartition(index, record.Offset);
                continue;
            }

            _telemetry.Received(index, record.Offset);
            if (_eventTime is not null)
            {
                DeliverWithEventTime(index, record);
            }
            else if (record.TimestampType == TimestampType.NotAvailable)
            {
                _engine.DeliverWithoutTimestamp(index, record.Offset, record.Key, record.KeyIsNull, record.Value, record.ValueIsNull, record.HeaderBlock);
            }
            else
            {
                _engine.Deliver(index, record.Offset, record.TimestampMs, record.Key, record.KeyIsNull, record.Value, record.ValueIsNull, headers: record.HeaderBlock);
            }

            if (_engine.PauseAtIntake(index))
            {
                _intake.Pause([ToTopicPartition(index)]);
            }

            intake++;
        }
    }

    /// <summary>Orders the message by the event time <see cref="ConsumerOptions.Timestamp"/> reads, or by the broker's timestamp where it reads none.</summary>
    private void DeliverWithEventTime(int index, IntakeRecord record)
    {
        long? eventTime;
        try
        {
            eventTime = _eventTime!(record.Key, record.Value, record.Headers);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            var spec = _engine.Partition(index);
            throw new InvalidDataException($"ConsumerOptions.Timestamp failed on {spec.Topic}[{spec.Partition}] at offset {record.Offset}: {e.Message}", e);
        }

        var untimed = record.TimestampType == TimestampType.NotAvailable;
        if (eventTime is null && untimed)
        {
            _engine.DeliverWithoutTimestamp(index, record.Offset, record.Key, record.KeyIsNull, record.Value, record.ValueIsNull, record.HeaderBlock);
            return;
        }

        var broker = untimed ? eventTime!.Value : record.TimestampMs;
        _engine.Deliver(index, record.Offset, eventTime ?? broker, record.Key, record.KeyIsNull, record.Value, record.ValueIsNull, broker, record.HeaderBlock);
    }

    /// <summary>Names where a consume error happened; with one topic the client does not marshal its name.</summary>
    private string Describe(ConsumeResult<byte[], byte[]>? record) =>
        record is null ? "a partition" : $"{record.Topic ?? _lookup.OnlyTopic}[{record.Partition.Value}] at offset {record.Offset.Value}";

    /// <summary>
    /// The log no longer holds the offset the consumer was to read next: retention, DeleteRecords
    /// or truncation. What was deleted before it was read is lost; under FailOnDataLoss that fails
    /// the consumer, otherwise it is counted and reading goes on from the oldest offset left.
    /// </summary>
    private void OnPositionOutOfRange(ConsumeException e)
    {
        var record = e.ConsumerRecord;
        var topic = record?.Topic ?? _lookup.OnlyTopic;
        var index = record is null || topic is null ? -1 : _lookup.IndexOf(topic, record.Partition.Value);
        if (index < 0)
        {
            throw new KafkaException(new Error(e.Error.Code, $"Consuming {Describe(record)} failed: {e.Error.Reason}", e.Error.IsFatal), e);
        }

        var spec = _engine.Partition(index);
        var partition = new TopicPartition(spec.Topic, spec.Partition);
        var next = _engine.ConsumedOffset(index) + 1;
        var watermarks = _consumer.QueryWatermarkOffsets(partition, _requestTimeout);
        var (low, high) = (watermarks.Low.Value, watermarks.High.Value);
        if (low > next)
        {
            if (_failOnDataLoss)
            {
                _dataLoss = new DataLossException(spec.Topic, spec.Partition, next, low);
                throw _dataLoss;
            }

            _engine.RecordLoss(index, next, low);
            if (_logger is not null)
            {
                ConsumerLog.DataLost(_logger, spec.Topic, spec.Partition, next, low - 1, low - next, low);
            }
        }
        else if (next > high)
        {
            // The log was truncated below what was already read (an unclean leader election): nothing
            // unread is lost, but what comes next replaces offsets already released.
            var error = new KafkaException(new Error(ErrorCode.OffsetOutOfRange, $"{spec.Topic}[{spec.Partition}]: the log was truncated to offset {high}, below offset {next - 1} already read."));
            if (_logger is not null)
            {
                ConsumerLog.Truncated(_logger, error, spec.Topic, spec.Partition);
            }

            throw error;
        }

        ResumeAt(index, Math.Max(low, next));
    }

    /// <summary>
    /// Moves one partition's position. The client refuses a Seek on a partition whose fetch failed
    /// ("Erroneous state"), so the whole assignment is made again, every other partition at the
    /// offset after its last consumed one (messages read ahead are fetched again and ignored as
    /// redeliveries) and paused ones paused again.
    /// </summary>
    private void ResumeAt(int index, long offset)
    {
        if (_membership is not null)
        {
            _membership.Reposition(ToTopicPartition(index), offset, _engine.IsPaused(index));
            return;
        }

        var positions = new List<TopicPartitionOffset>(_engine.PartitionCount);
        for (var i = 0; i < _engine.PartitionCount; i++)
        {
            var spec = _engine.Partition(i);
            positions.Add(new TopicPartitionOffset(spec.Topic, spec.Partition, i == index ? offset : _engine.ConsumedOffset(i) + 1));
        }

        _consumer.Assign(positions);
        var paused = Enumerable.Range(0, _engine.PartitionCount).Where(_engine.IsPaused).Select(ToTopicPartition).ToList();
        if (paused.Count > 0)
        {
            _intake.Pause(paused);
        }
    }

    /// <summary>Adds partitions the topics gained since the last look, and assigns the client anew (as <see cref="ResumeAt"/> does, moving no other partition).</summary>
    private void DiscoverPartitions()
    {
        var source = new KafkaOffsetSource(_consumer, _discoveryAdmin!, _requestTimeout, _settings);
        var found = _discovery!.Find(_engine, source, _clock.GetUtcNow());
        if (found.Count == 0)
        {
            return;
        }

        foreach (var spec in found)
        {
            _engine.AddPartition(spec);
        }

        _lookup = new PartitionLookup(_engine);
        ResumeAt(-1, 0);
        if (_logger is not null)
        {
            foreach (var topic in found.GroupBy(s => s.Topic))
            {
                var partitions = string.Join(", ", topic.Select(s => $"{s.Partition}@{s.StartOffset}"));
                ConsumerLog.PartitionsDiscovered(_logger, topic.Key, partitions);
            }
        }
    }

    private void ApplyBackpressure()
    {
        if (_engine.PartitionsToPause.Count > 0)
        {
            _intake.Pause(_engine.PartitionsToPause.Select(ToTopicPartition));
        }

        if (_engine.PartitionsToResume.Count > 0)
        {
            _intake.Resume(_engine.PartitionsToResume.Select(ToTopicPartition));
        }
    }

    private TopicPartition ToTopicPartition(int index)
    {
        var spec = _engine.Partition(index);
        return new TopicPartition(spec.Topic, spec.Partition);
    }

    private void ThrowIfFailed()
    {
        if (_dataLoss is { } loss)
        {
            throw new DataLossException(loss.Topic!, loss.Partition, loss.FirstLostOffset, loss.EndLostOffset);
        }

        if (_fatalError is { } error)
        {
            throw new KafkaException(error);
        }

        if (_membership?.Failure is { } failure)
        {
            throw new KafkaException(failure.Error, failure);
        }
    }

    /// <summary>
    /// How long the next wait on the client may be: until the deadline, at most a slice, and no
    /// longer than until the engine has something due by the clock (a hold running out, a partition
    /// turning idle, a time bound passing); 0 when it is time to release or return.
    /// </summary>
    private int WaitMs(long deadline)
    {
        var remaining = deadline == long.MaxValue ? long.MaxValue : (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency;
        var wait = Math.Clamp(remaining, 0, WaitSliceMs);
        if (_engine.NextDueMs() is { } due)
        {
            wait = Math.Clamp(due - NowMs(), 0, wait);
        }

        return (int)wait;
    }
}
