using System.Diagnostics;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Engine;
using TypedKafka.Kafka;

namespace TypedKafka;

/// <summary>
/// Reads topics from Kafka and returns their messages as Arrow batches of <see cref="Schemas.Message"/>
/// in timestamp order across all partitions: history first, from each topic's offset policy, then live.
/// Not thread-safe: poll from one thread.
/// </summary>
public sealed class ConsumerManager : IDisposable
{
    private readonly IConsumer<StagedBytes, StagedBytes> _consumer;
    private readonly OrderedMergeEngine _engine;
    private readonly StagingArea _staging = new();
    private readonly int _batchSize;
    private readonly PartitionLookup _lookup;
    private Error? _fatalError;
    private bool _disposed;

    /// <param name="config">librdkafka consumer settings; <c>bootstrap.servers</c> is required, <c>group.id</c> defaults to a fresh unique id.</param>
    /// <param name="topics">The topics to read, each with its offset policy. Order breaks timestamp ties.</param>
    /// <param name="cutoffMs">Replay ends for a partition at its end offset or at its first message at or after this time (Unix ms). Default: now.</param>
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
    {
        ArgumentNullException.ThrowIfNull(topics);
        var topicList = ValidateTopics(topics);
        var options = new EngineOptions(cutoffMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), batchSize, maxHeldMessages, maxHeldBytes);
        ValidateOptions(options);
        var settings = ConsumerSettings.Build(config, topicList.Count, out var requestTimeout);
        _batchSize = batchSize;

        _consumer = BuildConsumer(settings);
        try
        {
            using var admin = new DependentAdminClientBuilder(_consumer.Handle).Build();
            var source = new KafkaOffsetSource(_consumer, admin, requestTimeout, settings);
            var specs = OffsetResolver.Resolve(topicList, source, DateTimeOffset.UtcNow);
            _engine = new OrderedMergeEngine(specs, options);
            _lookup = new PartitionLookup(_engine);

            // Explicit offsets at assignment: a Seek right after Assign fails with "Erroneous state" in this client.
            _consumer.Assign(specs.Select(s => new TopicPartitionOffset(s.Topic, s.Partition, s.StartOffset)));
        }
        catch
        {
            _consumer.Dispose();
            throw;
        }
    }

    /// <summary>Every partition has caught up and everything before that was released.</summary>
    public bool IsLive => _engine.IsLive;

    /// <summary>Messages consumed and held back for ordering.</summary>
    public int HeldMessageCount => _engine.HeldMessageCount;

    /// <summary>Partitions paused because the held messages reached a bound.</summary>
    public int PausedPartitionCount => _engine.PausedPartitionCount;

    /// <summary>
    /// The low-water mark (Unix ms) up to which messages can be released in order; null once every
    /// partition is caught up, and while a partition still replaying has delivered nothing.
    /// </summary>
    public long? PrimingWatermark => _engine.Watermark;

    /// <summary>
    /// Consumes for up to <paramref name="timeoutMs"/> and returns what can be released in order,
    /// at most the batch size; never null, possibly empty. During replay it keeps consuming, within
    /// the timeout, until a batch's worth has come in (history is there to be read, and full batches
    /// cost less per message); once replay is over it returns as soon as something can be released.
    /// Dispose the batch when done with it.
    /// </summary>
    public RecordBatch Poll(int timeoutMs)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(timeoutMs);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ThrowIfFailed();
        var deadline = Stopwatch.GetTimestamp() + (timeoutMs * Stopwatch.Frequency / 1000);
        while (true)
        {
            Consume(deadline);
            var batch = _engine.Release();
            ApplyBackpressure();
            if (batch.Length > 0 || Stopwatch.GetTimestamp() >= deadline)
            {
                return batch;
            }

            batch.Dispose();
        }
    }

    /// <inheritdoc cref="Poll(int)"/>
    public RecordBatch Poll(TimeSpan timeout) => Poll((int)Math.Clamp(timeout.TotalMilliseconds, 0, int.MaxValue));

    /// <summary>One row per partition, of <see cref="Schemas.PartitionState"/>.</summary>
    public RecordBatch PartitionState() => _engine.PartitionState();

    /// <summary>
    /// Commits, for the consumer group, the offsets after the last released message of each
    /// partition, so that <see cref="SourceTopic.FromCommitted"/> resumes after them. Nothing is
    /// committed unless this is called.
    /// </summary>
    public void CommitReleased()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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

        Commit(offsets);
    }

    /// <summary>
    /// Commits, for the consumer group, exactly these next offsets: for callers (the host's
    /// windowed consumer) whose released rows are handled in parts, so that everything released is not yet done.
    /// </summary>
    internal void Commit(IReadOnlyCollection<TopicPartitionOffset> offsets)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (offsets.Count > 0)
        {
            _consumer.Commit(offsets);
        }
    }

    /// <summary>Closes the consumer; held messages that were not released are dropped (nothing was committed for them).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            _consumer.Close();
        }
        catch (KafkaException)
        {
            // Closing only tells the brokers goodbye; with them unreachable there is no one to tell.
        }
        finally
        {
            _consumer.Dispose();
            _engine.Dispose();
        }
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

    private static void ValidateOptions(EngineOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            // Name the constructor's parameter, not the engine's.
            var parameter = e.ParamName switch
            {
                nameof(EngineOptions.BatchSize) => "batchSize",
                nameof(EngineOptions.MaxHeldMessages) => "maxHeldMessages",
                _ => "maxHeldBytes",
            };
            throw new ArgumentOutOfRangeException(parameter, e.ActualValue, $"{parameter} must be positive.");
        }
    }

    private IConsumer<StagedBytes, StagedBytes> BuildConsumer(ConsumerConfig config)
    {
        var deserializer = new StagingDeserializer(_staging);
        var clientErrors = new ClientErrorMonitor();
        try
        {
            return new ConsumerBuilder<StagedBytes, StagedBytes>(config)
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
                })
                .SetLogHandler((_, _) => { })
                .Build();
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
    /// Takes in up to a batch of messages. During replay it waits, until the deadline, for a full
    /// batch: history is there to be read, and small batches cost more per message. Once replay
    /// is over it takes what is already there, so live messages are not held back.
    /// </summary>
    private void Consume(long deadline)
    {
        for (var intake = 0; intake < _batchSize;)
        {
            _staging.Reset();
            ConsumeResult<StagedBytes, StagedBytes>? result;
            try
            {
                // Take what is queued without a timeout (no clock reads per message); wait only when nothing is.
                result = _consumer.Consume(0);
                if (result is null && (intake == 0 || !_engine.AllCaughtUp))
                {
                    result = _consumer.Consume(RemainingMs(deadline));
                }
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
            if (result is null)
            {
                return;
            }

            var index = _lookup.IndexOf(result.Topic, result.Partition.Value);
            if (index < 0)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                _engine.EndOfPartition(index, result.Offset.Value);
                continue;
            }

            var message = result.Message;
            var key = _staging[message.Key];
            var value = _staging[message.Value];
            if (message.Timestamp.Type == TimestampType.NotAvailable)
            {
                _engine.DeliverWithoutTimestamp(index, result.Offset.Value, key, message.Key.IsNull, value, message.Value.IsNull);
            }
            else
            {
                _engine.Deliver(index, result.Offset.Value, message.Timestamp.UnixTimestampMs, key, message.Key.IsNull, value, message.Value.IsNull);
            }

            intake++;
        }
    }

    /// <summary>Names where a consume error happened; with one topic the client does not marshal its name.</summary>
    private string Describe(ConsumeResult<byte[], byte[]>? record) =>
        record is null ? "a partition" : $"{record.Topic ?? _lookup.OnlyTopic}[{record.Partition.Value}] at offset {record.Offset.Value}";

    private void ApplyBackpressure()
    {
        if (_engine.PartitionsToPause.Count > 0)
        {
            _consumer.Pause(_engine.PartitionsToPause.Select(ToTopicPartition));
        }

        if (_engine.PartitionsToResume.Count > 0)
        {
            _consumer.Resume(_engine.PartitionsToResume.Select(ToTopicPartition));
        }
    }

    private TopicPartition ToTopicPartition(int index)
    {
        var spec = _engine.Partition(index);
        return new TopicPartition(spec.Topic, spec.Partition);
    }

    private void ThrowIfFailed()
    {
        if (_fatalError is { } error)
        {
            throw new KafkaException(error);
        }
    }

    private static int RemainingMs(long deadline) =>
        (int)Math.Max(0, (deadline - Stopwatch.GetTimestamp()) * 1000 / Stopwatch.Frequency);
}
