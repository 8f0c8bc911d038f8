using System.Globalization;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Windows;

namespace TypedKafka.Hosting.Runtime;

/// <summary>
/// Cuts the batches a consumer releases into tumbling windows with a <see cref="WindowAssembler"/>
/// and hands over each window as it closes.
/// </summary>
internal sealed class WindowedSession : IConsumerSession
{
    private readonly Source _source;
    private readonly WindowAssembler _assembler;
    private readonly Func<ClosedWindow, IDelivery> _deliver;
    private readonly bool _commitHandled;

    private WindowedSession(TypedKafkaConsumerOptions options, TimeProvider clock, Func<Source> connect, Func<ClosedWindow, IDelivery> deliver)
    {
        _assembler = new WindowAssembler(WindowOptions(options.Window!, clock));
        _deliver = deliver;
        _source = connect();
        _commitHandled = options.CommitHandled;
    }

    public bool IsLive => _source.IsLive;

    public bool IsComplete => _source.Consumer.IsComplete;

    public int PausedPartitionCount => _source.PausedPartitionCount;

    public static WindowedSession Raw(TypedKafkaConsumerOptions options, IWindowHandler handler, TimeProvider clock) =>
        new(options, clock, () => new RawSource(ConsumerConfig.Raw(options)), window => new WindowDelivery(window, handler.HandleAsync));

    public static WindowedSession Typed<T>(TypedKafkaConsumerOptions options, IWindowHandler<T> handler, TimeProvider clock)
        where T : IArrowMessage<T> =>
        new(options, clock, () => new TypedSource<T>(ConsumerConfig.Typed<T>(options)), window =>
        {
            var typed = new TypedWindow<T>(window);
            return new WindowDelivery(window, (_, cancellationToken) => handler.HandleAsync(typed, cancellationToken));
        });

    public static TumblingWindowOptions WindowOptions(TypedKafkaWindowOptions window, TimeProvider clock) => new(window.Length)
    {
        Origin = window.Origin,
        Grace = window.Grace,
        EmitEmptyWindows = window.EmitEmpty,
        LatePolicy = window.LatePolicy,
        Clock = clock,
    };

    public IReadOnlyList<IDelivery> Poll(TimeSpan timeout)
    {
        // The assembler owns the batch from here on, also when it throws.
        var released = _source.Poll(timeout);
        return Deliver(_assembler.Add(released, _source.Watermark, _source.IsLive));
    }

    public IReadOnlyList<IDelivery> Close() => Deliver(_assembler.Complete());

    public RecordBatch PartitionState() => _source.PartitionState();

    public void Commit(IDelivery handled)
    {
        var offsets = OffsetRanges.Of(((WindowDelivery)handled).Window.Batches)
            .Select(r => new TopicPartitionOffset(r.Key.Topic, r.Key.Partition, r.Value.Last + 1))
            .ToList();
        // Only the handled window's offsets: the open window holds released rows that are not handled yet.
        if (_commitHandled)
        {
            _source.Consumer.Commit(offsets);
        }
    }

    public void Dispose()
    {
        _assembler.Dispose();
        _source.Dispose();
    }

    private IDelivery[] Deliver(IReadOnlyList<ClosedWindow> closed)
    {
        var deliveries = new IDelivery[closed.Count];
        for (var i = 0; i < closed.Count; i++)
        {
            deliveries[i] = _deliver(closed[i]);
        }

        return deliveries;
    }

    private sealed class WindowDelivery(ClosedWindow closed, Func<ClosedWindow, CancellationToken, ValueTask> handle) : IDelivery
    {
        public ClosedWindow Window => closed;

        ClosedWindow? IDelivery.Window => closed;

        public long RowCount => closed.RowCount;

        public IReadOnlyList<RecordBatch> Batches => closed.Batches;

        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"window [{Time(closed.Start)}, {Time(closed.End)}) of {closed.RowCount} rows, closed by {closed.ClosedBy}: {OffsetRanges.Describe(closed.Batches)}");

        public ValueTask HandleAsync(CancellationToken cancellationToken) => handle(closed, cancellationToken);

        public void Dispose() => closed.Dispose();

        private static string Time(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>The consumer behind the windows: raw or typed.</summary>
    private abstract class Source : IDisposable
    {
        public abstract bool IsLive { get; }

        public abstract int PausedPartitionCount { get; }

        public abstract long? Watermark { get; }

        public abstract ConsumerManager Consumer { get; }

        public abstract RecordBatch Poll(TimeSpan timeout);

        public abstract RecordBatch PartitionState();

        public abstract void Dispose();
    }

    private sealed class RawSource(ConsumerManager consumer) : Source
    {
        public override bool IsLive => consumer.IsLive;

        public override int PausedPartitionCount => consumer.PausedPartitionCount;

        public override long? Watermark => consumer.PrimingWatermark;

        public override ConsumerManager Consumer => consumer;

        public override RecordBatch Poll(TimeSpan timeout) => consumer.Poll(timeout);

        public override RecordBatch PartitionState() => consumer.PartitionState();

        public override void Dispose() => consumer.Dispose();
    }

    private sealed class TypedSource<T>(TypedConsumer<T> consumer) : Source
        where T : IArrowMessage<T>
    {
        public override bool IsLive => consumer.IsLive;

        public override int PausedPartitionCount => consumer.PausedPartitionCount;

        public override long? Watermark => consumer.PrimingWatermark;

        public override ConsumerManager Consumer => consumer.Manager;

        // The typed batch's rows go to the windows, which own them from then on; the batch keeps no other resource.
        public override RecordBatch Poll(TimeSpan timeout) => consumer.Poll(timeout).RecordBatch;

        public override RecordBatch PartitionState() => consumer.PartitionState();

        public override void Dispose() => consumer.Dispose();
    }
}
