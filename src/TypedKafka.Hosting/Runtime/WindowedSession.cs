using System.Globalization;
using Apache.Arrow;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
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
    private readonly Dictionary<TopicPartition, Offset> _toCommit = [];
    private readonly ILogger? _logger;
    private readonly string? _group;

    /// <param name="options">The consumer's options (its window, whether to commit).</param>
    /// <param name="clock">The clock that closes quiet windows.</param>
    /// <param name="connect">Opens the consumer, once the window options are known to be valid, with the callback for partitions a rebalance revokes (null without a group).</param>
    /// <param name="handlerOf">The handler's call for a closed window, made once per window (retries call it again).</param>
    public WindowedSession(
        TypedKafkaConsumerOptions options,
        TimeProvider clock,
        Func<Action<IReadOnlyList<TopicPartition>>?, ConsumerSource<TBatch>> connect,
        Func<ClosedWindow, Func<CancellationToken, ValueTask>> handlerOf)
    {
        _assembler = new WindowAssembler(WindowedSessions.WindowOptions(options.Window!, clock));
        _handlerOf = handlerOf;
        _logger = options.ClientLogger;
        _group = options.ConsumerGroup;
        // In a group the open window gives up the rows of partitions that move to another member.
        _source = connect(options.ConsumerGroup is null ? null : Revoked);
        _commitHandled = options.CommitHandled;
    }

    public bool IsLive => _source.IsLive;

    public bool IsComplete => _source.IsComplete;

    public int PausedPartitionCount => _source.PausedPartitionCount;

    public IReadOnlyList<IDelivery> Poll(TimeSpan timeout)
    {
        // The assembler owns the rows from here on, also when it throws; a typed batch keeps no other resource.
        var released = _source.Rows(_source.Poll(timeout));
        return Deliver(_assembler.Add(released, _source.Watermark, _source.IsLive), commit: true);
    }

    public IReadOnlyList<IDelivery> Close() => Deliver(_assembler.Complete(), commit: false);

    public RecordBatch PartitionState() => _source.PartitionState();

    public void Commit(IDelivery handled)
    {
        if (!_commitHandled)
        {
            return;
        }

        // Only what the handled window makes safe: the open window holds released rows that are not handled yet.
        // A commit a rebalance refused is carried by the next one: a later window may not name the same partitions.
        foreach (var offset in ((WindowDelivery)handled).Commits)
        {
            _toCommit[offset.TopicPartition] = offset.Offset;
        }

        if (_toCommit.Count > 0 && _source.Commit([.. _toCommit.Select(c => new TopicPartitionOffset(c.Key, c.Value))]))
        {
            _toCommit.Clear();
        }
    }

    public void Dispose()
    {
        _assembler.Dispose();
        _source.Dispose();
    }

    private IDelivery[] Deliver(IReadOnlyList<ClosedWindow> closed, bool commit)
    {
        var commits = commit && _commitHandled ? WindowCommits(closed) : null;
        var deliveries = new IDelivery[closed.Count];
        for (var i = 0; i < closed.Count; i++)
        {
            deliveries[i] = new WindowDelivery(closed[i], _handlerOf(closed[i])) { Commits = commits?[i] ?? [] };
        }

        return deliveries;
    }

    /// <summary>
    /// What each window, once handled, lets the group commit for the partitions in it: the lowest
    /// offset not handled by then. Every released row is in a window handled before, in this poll's
    /// windows or in the open one, so that is the lowest offset of the partition in a later window of
    /// this poll or in the open one, else the first offset not released (<c>released_offset</c> + 1).
    /// The offset after the window's last row would be wrong when a partition's rows were released out
    /// of offset order (<see cref="ConsumerOptions.MaxOutOfOrderness"/>): a lower offset still open would
    /// be skipped after a restart, and a lower offset in an earlier window read twice.
    /// </summary>
    private List<TopicPartitionOffset>[] WindowCommits(IReadOnlyList<ClosedWindow> closed)
    {
        var commits = new List<TopicPartitionOffset>[closed.Count];
        if (closed.Count == 0)
        {
            return commits;
        }

        var releasedThrough = new Dictionary<(string Topic, int Partition), long>();
        using (var state = _source.PartitionState())
        {
            var topics = (StringArray)state.Column("topic");
            var partitions = (Int32Array)state.Column("partition");
            var released = (Int64Array)state.Column("released_offset");
            for (var i = 0; i < state.Length; i++)
            {
                releasedThrough[(topics.GetString(i), partitions.GetValue(i)!.Value)] = released.GetValue(i)!.Value;
            }
        }

        // Walking back from the open window: the lowest offset per partition not handled once window i is.
        var pending = OffsetRanges.Of(_assembler.OpenWindowRows).ToDictionary(r => r.Key, r => r.Value.First);
        for (var i = closed.Count - 1; i >= 0; i--)
        {
            var ranges = OffsetRanges.Of(closed[i].Batches);
            commits[i] = [];
            foreach (var key in ranges.Keys)
            {
                // A partition revoked meanwhile has no state row: the commit would be filtered out anyway.
                if (releasedThrough.TryGetValue(key, out var through))
                {
                    var next = pending.TryGetValue(key, out var firstPending) ? Math.Min(firstPending, through + 1) : through + 1;
                    commits[i].Add(new TopicPartitionOffset(key.Topic, key.Partition, next));
                }
            }

            foreach (var (key, (first, _)) in ranges)
            {
                pending[key] = pending.TryGetValue(key, out var lower) ? Math.Min(lower, first) : first;
            }
        }

        return commits;
    }

    /// <summary>
    /// Partitions revoked or lost in a rebalance, called inside the source's poll before any later row
    /// is released. Every window handed over before was handled and committed (the host handles a
    /// poll's windows before it polls again), so the revoked partitions' rows still here are in the
    /// open window, uncommitted: the next owner reads them again from the committed offset, and this
    /// window must not hand them over too.
    /// </summary>
    private void Revoked(IReadOnlyList<TopicPartition> partitions)
    {
        var removed = _assembler.RemovePartitions(partitions);
        foreach (var partition in partitions)
        {
            // The next owner commits these partitions from now on.
            _toCommit.Remove(partition);
        }

        if (_logger is not null)
        {
            Log.WindowGaveUpPartitions(_logger, _group!, removed, string.Join(", ", partitions.Select(p => $"{p.Topic}[{p.Partition.Value}]")));
        }
    }

    private sealed class WindowDelivery(ClosedWindow closed, Func<CancellationToken, ValueTask> handle) : IDelivery
    {
        public ClosedWindow Window => closed;

        /// <summary>The offsets to commit once this window is handled.</summary>
        public IReadOnlyCollection<TopicPartitionOffset> Commits { get; init; } = [];

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
        new(options, clock, revoked => ConsumerSources.Raw(options, revoked), window => cancellationToken => handler.HandleAsync(window, cancellationToken));

    public static WindowedSession<TypedBatch<T>> Typed<T>(TypedKafkaConsumerOptions options, IWindowHandler<T> handler, TimeProvider clock)
        where T : IArrowMessage<T> =>
        new(options, clock, revoked => ConsumerSources.Typed<T>(options, revoked), window =>
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
