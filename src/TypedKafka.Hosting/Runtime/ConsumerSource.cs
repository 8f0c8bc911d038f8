using Apache.Arrow;
using Confluent.Kafka;

namespace TypedKafka.Hosting.Runtime;

/// <summary>
/// The consumer behind a session, raw (<see cref="ConsumerManager"/>, batches of
/// <see cref="RecordBatch"/>) or typed (<see cref="TypedConsumer{T}"/>, batches of
/// <see cref="TypedBatch{T}"/>): what the sessions need of either, so that each session is written once.
/// </summary>
/// <typeparam name="TBatch">What a poll returns.</typeparam>
internal abstract class ConsumerSource<TBatch> : IDisposable
    where TBatch : IDisposable
{
    public abstract bool IsLive { get; }

    public abstract bool IsComplete { get; }

    public abstract int PausedPartitionCount { get; }

    public abstract long? Watermark { get; }

    public abstract TBatch Poll(TimeSpan timeout);

    /// <summary>The batch's rows as Arrow (a typed batch's underlying <see cref="RecordBatch"/>), owned by the batch.</summary>
    public abstract RecordBatch Rows(TBatch batch);

    public abstract RecordBatch PartitionState();

    public abstract void CommitReleased();

    /// <summary>Commits these next offsets; false when a rebalance refused them (logged by the consumer).</summary>
    public abstract bool Commit(IReadOnlyCollection<TopicPartitionOffset> offsets);

    public abstract void Dispose();
}

internal sealed class RawSource(ConsumerManager consumer) : ConsumerSource<RecordBatch>
{
    public override bool IsLive => consumer.IsLive;

    public override bool IsComplete => consumer.IsComplete;

    public override int PausedPartitionCount => consumer.PausedPartitionCount;

    public override long? Watermark => consumer.PrimingWatermark;

    public override RecordBatch Poll(TimeSpan timeout) => consumer.Poll(timeout);

    public override RecordBatch Rows(RecordBatch batch) => batch;

    public override RecordBatch PartitionState() => consumer.PartitionState();

    public override void CommitReleased() => consumer.CommitReleased();

    public override bool Commit(IReadOnlyCollection<TopicPartitionOffset> offsets) => consumer.Commit(offsets);

    public override void Dispose() => consumer.Dispose();
}

internal sealed class TypedSource<T>(TypedConsumer<T> consumer) : ConsumerSource<TypedBatch<T>>
    where T : IArrowMessage<T>
{
    public override bool IsLive => consumer.IsLive;

    public override bool IsComplete => consumer.IsComplete;

    public override int PausedPartitionCount => consumer.PausedPartitionCount;

    public override long? Watermark => consumer.PrimingWatermark;

    public override TypedBatch<T> Poll(TimeSpan timeout) => consumer.Poll(timeout);

    public override RecordBatch Rows(TypedBatch<T> batch) => batch.RecordBatch;

    public override RecordBatch PartitionState() => consumer.PartitionState();

    public override void CommitReleased() => consumer.CommitReleased();

    public override bool Commit(IReadOnlyCollection<TopicPartitionOffset> offsets) => consumer.Commit(offsets);

    public override void Dispose() => consumer.Dispose();
}

/// <summary>The consumer a hosted consumer's options describe: its client settings, topics and <see cref="ConsumerOptions"/>.</summary>
internal static class ConsumerSources
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

    /// <param name="options">The hosted consumer's options.</param>
    /// <param name="onRevoked">With a consumer group: told of partitions a rebalance took away (<see cref="ConsumerOptions.OnPartitionsRevoked"/>).</param>
    public static RawSource Raw(TypedKafkaConsumerOptions options, Action<IReadOnlyList<TopicPartition>>? onRevoked = null) =>
        new(new ConsumerManager(Settings(options), Topics(options), ConsumerOptions(options) with { OnPartitionsRevoked = onRevoked }));

    /// <inheritdoc cref="Raw"/>
    public static TypedSource<T> Typed<T>(TypedKafkaConsumerOptions options, Action<IReadOnlyList<TopicPartition>>? onRevoked = null)
        where T : IArrowMessage<T> => new(new TypedConsumer<T>(Settings(options), Topics(options), ConsumerOptions(options) with { OnPartitionsRevoked = onRevoked }));

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
