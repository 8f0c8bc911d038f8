using Apache.Arrow;
using TypedKafka.Windows;

namespace TypedKafka.Hosting.Runtime;

/// <summary>A connected consumer and its handler, typed or raw, by batch or by window; used from the poll thread only.</summary>
internal interface IConsumerSession : IDisposable
{
    bool IsLive { get; }

    /// <summary>A bounded read (<see cref="TypedKafkaConsumerOptions.Until"/>) released its last row.</summary>
    bool IsComplete { get; }

    int PausedPartitionCount { get; }

    /// <summary>Polls once and returns what is ready for the handler, in order: a batch, or the windows it closed; possibly nothing. The caller disposes each.</summary>
    IReadOnlyList<IDelivery> Poll(TimeSpan timeout);

    /// <summary>On stop: what is held and can still be handed over (the open window); it is not committed.</summary>
    IReadOnlyList<IDelivery> Close();

    RecordBatch PartitionState();

    /// <summary>Commits the offsets after the rows of <paramref name="handled"/>, whose handler has completed.</summary>
    void Commit(IDelivery handled);
}

/// <summary>One call's worth of rows for the handler: a batch or a window.</summary>
internal interface IDelivery : IDisposable
{
    long RowCount { get; }

    /// <summary>The window, for a windowed consumer; null for a batch.</summary>
    ClosedWindow? Window { get; }

    /// <summary>The rows handed over, as Arrow batches (the typed batch's underlying one): for the producers' trace links.</summary>
    IReadOnlyList<RecordBatch> Batches { get; }

    /// <summary>For logs and health: <c>batch trades[0]:120-219</c> or <c>window 2026-01-01T00:01:00Z/00:02:00Z (100 rows) trades[0]:...</c>.</summary>
    string Describe();

    ValueTask HandleAsync(CancellationToken cancellationToken);
}

internal sealed class RawSession(TypedKafkaConsumerOptions options, IBatchHandler handler) : IConsumerSession
{
    private readonly ConsumerManager _consumer = ConsumerConfig.Raw(options);

    public bool IsLive => _consumer.IsLive;

    public bool IsComplete => _consumer.IsComplete;

    public int PausedPartitionCount => _consumer.PausedPartitionCount;

    public IReadOnlyList<IDelivery> Poll(TimeSpan timeout)
    {
        var rows = _consumer.Poll(timeout);
        if (rows.Length == 0)
        {
            rows.Dispose();
            return [];
        }

        return [new Batch(rows, handler)];
    }

    public IReadOnlyList<IDelivery> Close() => [];

    public RecordBatch PartitionState() => _consumer.PartitionState();

    // Everything released was in the batches handed over, one at a time.
    public void Commit(IDelivery handled) => _consumer.CommitReleased();

    public void Dispose() => _consumer.Dispose();

    private sealed class Batch(RecordBatch rows, IBatchHandler handler) : IDelivery
    {
        public long RowCount => rows.Length;

        public ClosedWindow? Window => null;

        public IReadOnlyList<RecordBatch> Batches => [rows];

        public string Describe() => "batch " + OffsetRanges.Describe([rows]);

        public ValueTask HandleAsync(CancellationToken cancellationToken) => handler.HandleAsync(rows, cancellationToken);

        public void Dispose() => rows.Dispose();
    }
}

internal sealed class TypedSession<T>(TypedKafkaConsumerOptions options, IBatchHandler<T> handler) : IConsumerSession
    where T : IArrowMessage<T>
{
    private readonly TypedConsumer<T> _consumer = ConsumerConfig.Typed<T>(options);

    public bool IsLive => _consumer.IsLive;

    public bool IsComplete => _consumer.IsComplete;

    public int PausedPartitionCount => _consumer.PausedPartitionCount;

    public IReadOnlyList<IDelivery> Poll(TimeSpan timeout)
    {
        var batch = _consumer.Poll(timeout);
        if (batch.Length == 0)
        {
            batch.Dispose();
            return [];
        }

        return [new Batch(batch, handler)];
    }

    public IReadOnlyList<IDelivery> Close() => [];

    public RecordBatch PartitionState() => _consumer.PartitionState();

    public void Commit(IDelivery handled) => _consumer.CommitReleased();

    public void Dispose() => _consumer.Dispose();

    private sealed class Batch(TypedBatch<T> batch, IBatchHandler<T> handler) : IDelivery
    {
        public long RowCount => batch.Length;

        public ClosedWindow? Window => null;

        public IReadOnlyList<RecordBatch> Batches => [batch.RecordBatch];

        public string Describe() => "batch " + OffsetRanges.Describe([batch.RecordBatch]);

        public ValueTask HandleAsync(CancellationToken cancellationToken) => handler.HandleAsync(batch, cancellationToken);

        public void Dispose() => batch.Dispose();
    }
}

internal static class ConsumerConfig
{
    public static Dictionary<string, string> Settings(TypedKafkaConsumerOptions options)
    {
        var settings = new Dictionary<string, string>(options.Kafka, StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(options.BootstrapServers))
        {
            settings["bootstrap.servers"] = options.BootstrapServers;
        }

        return settings;
    }

    public static List<SourceTopic> Topics(TypedKafkaConsumerOptions options) => options.Topics.Select(SourceTopic.Parse).ToList();

    public static ConsumerManager Raw(TypedKafkaConsumerOptions options, Action<IReadOnlyList<Confluent.Kafka.TopicPartition>>? onRevoked = null) =>
        new(Settings(options), Topics(options), ConsumerOptions(options) with { OnPartitionsRevoked = onRevoked });

    public static TypedConsumer<T> Typed<T>(TypedKafkaConsumerOptions options, Action<IReadOnlyList<Confluent.Kafka.TopicPartition>>? onRevoked = null)
        where T : IArrowMessage<T> => new(Settings(options), Topics(options), ConsumerOptions(options) with { OnPartitionsRevoked = onRevoked });

    // A relative Until (1h) is taken from the moment the consumer starts.
    public static ConsumerOptions ConsumerOptions(TypedKafkaConsumerOptions options) => new()
    {
        CutoffMs = options.Cutoff?.ToUnixTimeMilliseconds(),
        BatchSize = options.BatchSize,
        MaxHeldMessages = options.MaxHeldMessages,
        MaxHeldBytes = options.MaxHeldBytes,
        BadPayloadPolicy = options.BadPayloadPolicy,
        Until = options.Until is { } until ? TimeArgument.ParseUntil(until) : null,
        Logger = options.ClientLogger,
        LiveOrdering = options.LiveHold is { } hold ? LiveOrdering.Hold(hold) : LiveOrdering.OnArrival,
        IdleTimeout = options.IdleTimeout,
        MaxOutOfOrderness = options.MaxOutOfOrderness,
        IncludeHeaders = options.IncludeHeaders,
        FailOnDataLoss = options.FailOnDataLoss,
        Pace = options.Speed is { } speed ? ReplayPace.Recorded(speed) : ReplayPace.Unpaced,
        ConsumerGroup = options.ConsumerGroup,
    };
}
