using Apache.Arrow;

namespace TypedKafka.Hosting.Runtime;

/// <summary>A connected consumer and its handler, typed or raw; used from the poll thread only.</summary>
internal interface IConsumerSession : IDisposable
{
    bool IsLive { get; }

    int PausedPartitionCount { get; }

    /// <summary>Polls once; the batch may be empty. The caller disposes it.</summary>
    IBatchInHand Poll(TimeSpan timeout);

    RecordBatch PartitionState();

    void CommitReleased();
}

internal interface IBatchInHand : IDisposable
{
    /// <summary>The Arrow rows, with <c>topic</c>, <c>partition</c> and <c>offset</c> columns.</summary>
    RecordBatch Rows { get; }

    ValueTask HandleAsync(CancellationToken cancellationToken);
}

internal sealed class RawSession(TypedKafkaConsumerOptions options, IBatchHandler handler) : IConsumerSession
{
    private readonly ConsumerManager _consumer = new(
        ConsumerConfig.Settings(options),
        ConsumerConfig.Topics(options),
        options.Cutoff?.ToUnixTimeMilliseconds(),
        options.BatchSize,
        options.MaxHeldMessages,
        options.MaxHeldBytes);

    public bool IsLive => _consumer.IsLive;

    public int PausedPartitionCount => _consumer.PausedPartitionCount;

    public IBatchInHand Poll(TimeSpan timeout) => new Batch(_consumer.Poll(timeout), handler);

    public RecordBatch PartitionState() => _consumer.PartitionState();

    public void CommitReleased() => _consumer.CommitReleased();

    public void Dispose() => _consumer.Dispose();

    private sealed class Batch(RecordBatch rows, IBatchHandler handler) : IBatchInHand
    {
        public RecordBatch Rows => rows;

        public ValueTask HandleAsync(CancellationToken cancellationToken) => handler.HandleAsync(rows, cancellationToken);

        public void Dispose() => rows.Dispose();
    }
}

internal sealed class TypedSession<T>(TypedKafkaConsumerOptions options, IBatchHandler<T> handler) : IConsumerSession
    where T : IArrowMessage<T>
{
    private readonly TypedConsumer<T> _consumer = new(
        ConsumerConfig.Settings(options),
        ConsumerConfig.Topics(options),
        options.Cutoff?.ToUnixTimeMilliseconds(),
        options.BatchSize,
        options.MaxHeldMessages,
        options.MaxHeldBytes,
        options.BadPayloadPolicy);

    public bool IsLive => _consumer.IsLive;

    public int PausedPartitionCount => _consumer.PausedPartitionCount;

    public IBatchInHand Poll(TimeSpan timeout) => new Batch(_consumer.Poll(timeout), handler);

    public RecordBatch PartitionState() => _consumer.PartitionState();

    public void CommitReleased() => _consumer.CommitReleased();

    public void Dispose() => _consumer.Dispose();

    private sealed class Batch(TypedBatch<T> batch, IBatchHandler<T> handler) : IBatchInHand
    {
        public RecordBatch Rows => batch.RecordBatch;

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
}
