using System.Globalization;
using Apache.Arrow;
using Confluent.Kafka;
using TypedKafka.Windows;

namespace TypedKafka.Hosting.Runtime;

/// <summary>
/// Cuts the batches a consumer releases into tumbling windows with a <see cref="WindowAssembler"/>
/// and hands over each window as it closes.
/// </summary>
/// <typeparam name="TBatch">What the consumer's poll returns: raw or typed batches, whose rows go to the windows.</typeparam>
internal sealed class WindowedSession<TBatch> : IConsumerSession
    where TBatch : IDisposable
{
    private readonly ConsumerSource<TBatch> _source;
    private readonly WindowAssembler _assembler;
    private readonly Func<ClosedWindow, Func<CancellationToken, ValueTask>> _handlerOf;
    private readonly bool _commitHandled;

    /// <param name="options">The consumer's options (its window, whether to commit).</param>
    /// <param name="clock">The clock that closes quiet windows.</param>
    /// <param name="connect">Opens the consumer, once the window options are known to be valid.</param>
    /// <param name="handlerOf">The handler's call for a closed window, made once per window (retries call it again).</param>
    public WindowedSession(TypedKafkaConsumerOptions options, TimeProvider clock, Func<ConsumerSource<TBatch>> connect, Func<ClosedWindow, Func<CancellationToken, ValueTask>> handlerOf)
    {
        _assembler = new WindowAssembler(WindowedSessions.WindowOptions(options.Window!, clock));
        _handlerOf = handlerOf;
        _source = connect();
        _commitHandled = options.CommitHandled;
    }

    public bool IsLive => _source.IsLive;

    public bool IsComplete => _source.IsComplete;

    public int PausedPartitionCount => _source.PausedPartitionCount;

    public IReadOnlyList<IDelivery> Poll(TimeSpan timeout)
    {
        // The assembler owns the rows from here on, also when it throws; a typed batch keeps no other resource.
        var released = _source.Rows(_source.Poll(timeout));
        return Deliver(_assembler.Add(released, _source.Watermark, _source.IsLive));
    }

    public IReadOnlyList<IDelivery> Close() => Deliver(_assembler.Complete());

    public RecordBatch PartitionState() => _source.PartitionState();

    public void Commit(IDelivery handled)
    {
        // Only the handled window's offsets: the open window holds released rows that are not handled yet.
        if (_commitHandled)
        {
            var offsets = OffsetRanges.Of(((WindowDelivery)handled).Window.Batches)
                .Select(r => new TopicPartitionOffset(r.Key.Topic, r.Key.Partition, r.Value.Last + 1))
                .ToList();
            _source.Commit(offsets);
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
            deliveries[i] = new WindowDelivery(closed[i], _handlerOf(closed[i]));
        }

        return deliveries;
    }

    private sealed class WindowDelivery(ClosedWindow closed, Func<CancellationToken, ValueTask> handle) : IDelivery
    {
        public ClosedWindow Window => closed;

        ClosedWindow? IDelivery.Window => closed;

        public long RowCount => closed.RowCount;

        public IReadOnlyList<RecordBatch> Batches => closed.Batches;

        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"window [{Time(closed.Start)}, {Time(closed.End)}) of {closed.RowCount} rows, closed by {closed.ClosedBy}: {OffsetRanges.Describe(closed.Batches)}");

        public ValueTask HandleAsync(CancellationToken cancellationToken) => handle(cancellationToken);

        public void Dispose() => closed.Dispose();

        private static string Time(DateTimeOffset time) =>
            time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", CultureInfo.InvariantCulture);
    }
}

/// <summary>Windowed sessions of raw and typed consumers.</summary>
internal static class WindowedSessions
{
    public static WindowedSession<RecordBatch> Raw(TypedKafkaConsumerOptions options, IWindowHandler handler, TimeProvider clock) =>
        new(options, clock, () => ConsumerSources.Raw(options), window => cancellationToken => handler.HandleAsync(window, cancellationToken));

    public static WindowedSession<TypedBatch<T>> Typed<T>(TypedKafkaConsumerOptions options, IWindowHandler<T> handler, TimeProvider clock)
        where T : IArrowMessage<T> =>
        new(options, clock, () => ConsumerSources.Typed<T>(options), window =>
        {
            var typed = new TypedWindow<T>(window);
            return cancellationToken => handler.HandleAsync(typed, cancellationToken);
        });

    public static TumblingWindowOptions WindowOptions(TypedKafkaWindowOptions window, TimeProvider clock) => new(window.Length)
    {
        Origin = window.Origin,
        Grace = window.Grace,
        EmitEmptyWindows = window.EmitEmpty,
        LatePolicy = window.LatePolicy,
        Clock = clock,
    };
}
