using System.Buffers;
using System.Text;
using Apache.Arrow;
using TypedKafka.Arrow;

namespace TypedKafka.Engine;

/// <summary>
/// The broker-free heart of TypedKafka: fed consumed messages and end-of-partition events, it
/// releases them in (timestamp, topic index, partition, offset) order as Arrow batches, decides
/// which partitions to pause so memory stays bounded, and says when every partition is live.
/// Single-threaded and deterministic: the same inputs give the same batches.
/// </summary>
internal sealed partial class OrderedMergeEngine : IDisposable
{
    private readonly Dictionary<(string Topic, int Partition), int> _indexes = [];
    private readonly Dictionary<string, int> _topicIndexes = new(StringComparer.Ordinal);
    // UTF-8 names by topic index, for the topic column.
    private readonly List<byte[]> _topicNames = [];
    private readonly EngineOptions _options;

    // Replaced, never edited in place, when a partition is added or removed (a consumer group's rebalance).
    private TrackedPartition[] _partitions;

    // What the merge reads of each partition, by index, side by side: with thousands of partitions,
    // reaching the buffer through the partition's object was a cache miss a row before the row's own.
    // From the shared pool, as the trees' and the queue's arrays are.
    private MergeSource[] _sources = [];
    private bool _bounded;
    private readonly BufferPools _pools;
    private readonly ArrivalLog _log;
    private readonly List<int> _toPause = [];
    private readonly List<int> _toResume = [];
    private ReleasedMessage[] _releasing;
    private int _caughtUpCount;

    // Kept across releases and updated for the partitions that changed, so that per-release work
    // follows those, not the partition count (with thousands of partitions, walking them all per
    // release was most of a small poll's cost): partitions holding rows by their next row's
    // timestamp, and partitions that hold the watermark back by their lower bound (its minimum is the watermark).
    private readonly TimestampQueue _heads = new(0);
    private readonly TournamentTree _lowerBounds = new(0);
    private readonly List<TrackedPartition> _staleBounds = [];
    private readonly List<TrackedPartition> _touched = [];
    private readonly List<int> _endedRunning = [];
    private readonly List<int> _taken = [];
    private readonly PartitionSet _paused = new();
    private readonly PartitionSet _running = new();
    private readonly List<int> _candidates = [];
    private readonly Stack<int> _pending = new();
    private readonly PriorityQueue<int, (long Key, int Partition)> _inLine = new();
    private int _liveCount;
    private int _doneCount;

    // The room under both bounds left by the last release for partitions resumed next in line, and the size of the last message held.
    private long _inLineRoomBytes;
    private long _inLineRoomMessages;
    private long _lastHeldBytes;

    // The most key, value and header bytes of one message held so far, and how many running partitions were resumed next in line.
    private long _largestMessageBytes;
    private int _resumedInLineCount;

    // The clock can end a partition (a time bound) from this time on; long.MaxValue when none has a time bound.
    private long _earliestBoundMs;
    private long _nowMs = long.MinValue;
    private long _maxReleasedTimestampMs = long.MinValue;

    // A paced replay's origin: the first replayed row's timestamp and the clock when it went out.
    private long? _paceOriginTimestampMs;
    private long _paceOriginClockMs;
    private bool _disposed;

    /// <param name="partitions">Every partition to read. Topic order (by first appearance) breaks timestamp ties.</param>
    /// <param name="options">Batch size, cutoff and memory bounds.</param>
    /// <param name="topicOrder">
    /// The consumer's topics in tie-breaking order, for an engine whose partitions come and go
    /// (<see cref="AddPartition"/>, <see cref="RemovePartition"/>): it may then start with none.
    /// </param>
    public OrderedMergeEngine(IEnumerable<PartitionSpec> partitions, EngineOptions options, IReadOnlyList<string>? topicOrder = null)
    {
        ArgumentNullException.ThrowIfNull(partitions);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;

        // The engine's own pool, big enough for the held-byte bound: a backlog reuses chunks.
        _pools = new BufferPools(Math.Clamp(options.MaxHeldBytes, 16L * BufferPools.ChunkSize, 4096L * BufferPools.ChunkSize));

        // 2 MiB, about two batches of 10,000 rows of 100 bytes (what a replay holds between
        // releases), so that few rows outlive their log chunk; less under a smaller held-byte bound.
        _log = new ArrivalLog(_pools, (int)Math.Clamp(options.MaxHeldBytes / options.LogChunkBytes, 2, 32), options.LogChunkBytes);
        foreach (var topic in topicOrder ?? [])
        {
            TopicIndexOf(topic);
        }

        // Sized up front: with thousands of partitions, growing these would allocate them about twice.
        var tracked = new List<TrackedPartition>(partitions.TryGetNonEnumeratedCount(out var count) ? count : 0);
        foreach (var spec in partitions)
        {
            if (spec.StartOffset > spec.EndOffset)
            {
                throw new ArgumentException($"Partition {spec.Topic}[{spec.Partition}]: replay start offset {spec.StartOffset} is past its end offset {spec.EndOffset}.", nameof(partitions));
            }

            var topicIndex = TopicIndexOf(spec.Topic);
            tracked.Add(new TrackedPartition(spec, topicIndex, _topicNames[topicIndex], _pools, _log, options.MaxOutOfOrdernessMs));
        }

        if (tracked.Count == 0 && topicOrder is null)
        {
            throw new ArgumentException("At least one partition is needed.", nameof(partitions));
        }

        _partitions = [.. tracked];
        SortInIndexOrder(_partitions);
        _indexes.EnsureCapacity(_partitions.Length);
        for (var i = 0; i < _partitions.Length; i++)
        {
            var spec = _partitions[i].Spec;
            if (!_indexes.TryAdd((spec.Topic, spec.Partition), i))
            {
                throw new ArgumentException($"Partition {spec.Topic}[{spec.Partition}] is listed twice.", nameof(partitions));
            }
        }

        _caughtUpCount = _partitions.Count(p => p.CaughtUp);
        _bounded = _partitions.All(p => p.Spec.IsBounded);
        Reindex();
        // From the shared pool, as is every larger one it grows into: a batch of 10,000 takes 720 KB,
        // which every engine a process starts would otherwise allocate again.
        _releasing = ArrayPool<ReleasedMessage>.Shared.Rent(Math.Min(options.BatchSize, 1024));
    }

    public int PartitionCount => _partitions.Length;

    public EngineOptions Options => _options;

    /// <summary>Every partition is live: consumption reached the end of its replay range or the cutoff, and all that came before was released.</summary>
    public bool IsLive { get; private set; }

    /// <summary>A bounded read is over: every partition reached its end bound and everything before it was released.</summary>
    public bool IsComplete { get; private set; }

    /// <summary>Every partition has consumed to the end of its replay range or the cutoff: replay is over, whatever is still held.</summary>
    public bool AllCaughtUp => _caughtUpCount == _partitions.Length;

    public int HeldMessageCount { get; private set; }

    /// <summary>The last <see cref="Release"/> was cut at the batch size: the next one has rows to release whatever comes in.</summary>
    public bool HasBacklog { get; private set; }

    public long HeldBytes { get; private set; }

    public int PausedPartitionCount { get; private set; }

    /// <summary>Rows released after a row with a later timestamp, over all partitions.</summary>
    public long OutOfOrderReleases { get; private set; }

    /// <summary>Rows moved from the arrival log to their partition's own chunks, because they were still held when the log came round to them.</summary>
    public long RowsMovedOutOfLog => _log.MovedRows;

    /// <summary>Times a partition was left out of the replay watermark for want of progress (<see cref="EngineOptions.IdleTimeoutMs"/>).</summary>
    public long IdleExclusions { get; private set; }

    /// <summary>The engine clock (Unix ms), as last given to <see cref="Advance"/>.</summary>
    public long NowMs => _nowMs;

    /// <summary>
    /// The replay watermark: messages at or before it can be released in order. Null when it is
    /// not known yet (a partition still replaying has delivered nothing) and once every partition is caught up.
    /// </summary>
    public long? Watermark
    {
        get
        {
            var watermark = ComputeWatermark();
            return watermark is long.MinValue or long.MaxValue ? null : watermark;
        }
    }

    /// <summary>Partitions the consumer should pause, decided by the last <see cref="Release"/>.</summary>
    public IReadOnlyList<int> PartitionsToPause => _toPause;

    /// <summary>Partitions the consumer should resume, decided by the last <see cref="Release"/>.</summary>
    public IReadOnlyList<int> PartitionsToResume => _toResume;

    public PartitionSpec Partition(int index) => _partitions[index].Spec;

    public bool IsPaused(int index) => _partitions[index].IsPaused;

    /// <summary>The last offset consumed from the partition; its start offset - 1 before the first.</summary>
    public long ConsumedOffset(int index) => _partitions[index].ConsumedOffset;

    /// <summary>
    /// Records that offsets <c>[firstLost, endLost)</c> of the partition were deleted before they
    /// were read; the consumer goes on from <paramref name="endLost"/>.
    /// </summary>
    public void RecordLoss(int index, long firstLost, long endLost)
    {
        _partitions[index].LostMessages += endLost - firstLost;
        LostMessages += endLost - firstLost;
    }

    /// <summary>Messages lost over all partitions (see <see cref="RecordLoss"/>).</summary>
    public long LostMessages { get; private set; }

    /// <summary>The last offset released from the partition; its start offset - 1 before the first.</summary>
    public long ReleasedOffset(int index) => _partitions[index].ReleasedOffset;

    public int IndexOf(string topic, int partition) =>
        _indexes.TryGetValue((topic, partition), out var index)
            ? index
            : throw new ArgumentException($"Partition {topic}[{partition}] is not one this consumer reads.", nameof(partition));

    /// <summary>
    /// Sets the engine clock (Unix ms): the time messages delivered from now on arrive at, and the
    /// time the live hold, the idle timeout and time bounds are judged by. The engine reads no clock itself.
    /// </summary>
    public void Advance(long nowMs)
    {
        if (_nowMs == long.MinValue)
        {
            // Waiting for progress counts from the first tick.
            foreach (var partition in _partitions)
            {
                partition.LastProgressMs = nowMs;
            }
        }

        _nowMs = nowMs;
    }

    /// <summary>
    /// The engine clock at which something may become releasable without a new message (a held
    /// row's hold running out, a partition turning idle, a time bound passing); null when nothing is due.
    /// </summary>
    public long? NextDueMs()
    {
        // Only a hold, an idle timeout, a time bound or a pace makes anything due: without them, no walk over the partitions.
        if (_options.LiveHoldMs is null && _options.IdleTimeoutMs is null && _earliestBoundMs == long.MaxValue && _options.PaceSpeed is null)
        {
            return null;
        }

        // Only what falls due after the current clock: what is past due was judged by the last release.
        var due = long.MaxValue;
        var allCaughtUp = AllCaughtUp;
        foreach (var partition in _partitions)
        {
            if (allCaughtUp && _options.LiveHoldMs is { } hold && partition.Buffer.Count > 0)
            {
                Consider(partition.Buffer.PeekFirst().ArrivalMs + hold);
            }

            if (_options.IdleTimeoutMs is { } idle && !partition.CaughtUp && !partition.IsPaused && partition.IdleSinceMs is null)
            {
                Consider(partition.LastProgressMs + idle);
            }

            if (!partition.Done && partition.AtEnd && partition.Spec.BoundMs != long.MaxValue)
            {
                Consider(partition.Spec.BoundMs);
            }

            if (IsPaced && _paceOriginTimestampMs is { } origin && partition.Buffer.Count > 0)
            {
                Consider(_paceOriginClockMs + (long)Math.Ceiling((partition.Buffer.PeekFirst().TimestampMs - origin) / _options.PaceSpeed!.Value));
            }
        }

        return due == long.MaxValue ? null : due;

        void Consider(long at) => due = at > _nowMs ? Math.Min(due, at) : due;
    }

    /// <summary>
    /// Hands over a consumed message, ordered by <paramref name="timestampMs"/>; its bytes are copied
    /// once, into the partition's buffer. <paramref name="brokerTimestampMs"/> is the broker's timestamp
    /// when the message is ordered by an event time; by default the same.
    /// </summary>
    public void Deliver(int partition, long offset, long timestampMs, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, long? brokerTimestampMs = null, ReadOnlySpan<byte> headers = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var tracked = _partitions[partition];
        var wasCaughtUp = tracked.CaughtUp;
        var delivery = tracked.Consume(offset, timestampMs, _options.CutoffMs, _nowMs);
        _caughtUpCount += !wasCaughtUp && tracked.CaughtUp ? 1 : 0;
        MarkChanged(tracked);
        _lastHeldBytes = 0;
        // A redelivered offset (consumed already) or one past a done partition's end is not held.
        if (delivery != Delivery.Held)
        {
            return;
        }

        var before = tracked.Buffer.Bytes;
        var wasEmpty = tracked.Buffer.Count == 0;
        tracked.Buffer.Append(offset, timestampMs, brokerTimestampMs ?? timestampMs, _nowMs, key, keyIsNull, value, valueIsNull, headers, startsRun: tracked.LastHeldIsLate);
        HeldMessageCount++;
        HeldBytes += tracked.Buffer.Bytes - before;
        _lastHeldBytes = tracked.Buffer.Bytes - before;
        _largestMessageBytes = Math.Max(_largestMessageBytes, _lastHeldBytes);

        // In offset order a new row is a head only when nothing was held; reordered, it may go first.
        if (wasEmpty || tracked.ReorderWindowMs > 0)
        {
            _heads.Set(partition, tracked.Buffer.PeekFirst().TimestampMs);
        }
    }

    /// <summary>
    /// Hands over a message that carries no timestamp. It is never dropped: it takes its
    /// partition's stream time (the watermark, or 0, if the partition has consumed nothing), and it is counted.
    /// </summary>
    public void DeliverWithoutTimestamp(int partition, long offset, ReadOnlySpan<byte> key, bool keyIsNull, ReadOnlySpan<byte> value, bool valueIsNull, ReadOnlySpan<byte> headers = default)
    {
        var tracked = _partitions[partition];
        var timestampMs = tracked.HasConsumed ? tracked.StreamTimeMs : Math.Max(0, Watermark ?? 0);
        var consumedBefore = tracked.ConsumedOffset;
        Deliver(partition, offset, timestampMs, key, keyIsNull, value, valueIsNull, headers: headers);
        if (tracked.ConsumedOffset != consumedBefore)
        {
            tracked.UntimedMessages++;
        }
    }

    /// <summary>The consumer reached the end of the partition's log; <paramref name="position"/> is the next offset it would read.</summary>
    public void EndOfPartition(int partition, long position)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var tracked = _partitions[partition];
        var wasCaughtUp = tracked.CaughtUp;
        tracked.EndOfPartition(position, _nowMs);
        _caughtUpCount += !wasCaughtUp && tracked.CaughtUp ? 1 : 0;
        MarkChanged(tracked);
    }

    /// <summary>
    /// Releases up to the batch size of the held messages that can go out without breaking
    /// timestamp order, merged across partitions, then updates live flags and backpressure.
    /// </summary>
    public RecordBatch Release()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_nowMs != long.MinValue)
        {
            ApplyClock();
        }

        var watermark = ComputeWatermark();
        var (strict, held) = ReleaseBounds(watermark);
        var totals = default(ReleaseTotals);
        var count = Merge(strict, TieFloor(strict), held, ref totals, out var backlog);
        HasBacklog = backlog;
        var batch = MessageBatchBuilder.Build(_releasing.AsSpan(0, count), totals, _topicNames, _options.EventTime, _options.Headers);
        RemoveReleased();
        UpdateLive();
        DecideBackpressure(watermark, backlog, released: count > 0);
        return batch;
    }

    public RecordBatch PartitionState()
    {
        var watermark = ComputeWatermark();
        return PartitionStateBatchBuilder.Build(_partitions, _options.CutoffMs, p => Blocking(p, watermark));
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;

        // The pools first: what the partitions give back then goes to the spare set for the next engine.
        _pools.Dispose();
        foreach (var partition in _partitions)
        {
            partition.Buffer.Dispose();
        }

        _log.Dispose();
        _heads.Dispose();
        _lowerBounds.Dispose();
        ReturnSources();

        ArrayPool<ReleasedMessage>.Shared.Return(_releasing, clearArray: true);
        _releasing = [];
    }

    /// <summary>
    /// The minimum stream time over partitions still replaying; <see cref="long.MinValue"/> when
    /// one of them has delivered nothing (so nothing is safe to release), <see cref="long.MaxValue"/>
    /// when all are caught up.
    /// </summary>
    /// <summary>The index of <paramref name="topic"/> in tie-breaking order, added last when it is new.</summary>
    private int TopicIndexOf(string topic)
    {
        if (!_topicIndexes.TryGetValue(topic, out var index))
        {
            index = _topicIndexes.Count;
            _topicIndexes.Add(topic, index);
            _topicNames.Add(Encoding.UTF8.GetBytes(topic));
        }

        return index;
    }

    private long ComputeWatermark()
    {
        // The trees' arrays went back to the shared pool with the engine: a disposed engine knows no watermark.
        if (_disposed)
        {
            return long.MaxValue;
        }

        // A partition that has delivered nothing has the lower bound long.MinValue.
        foreach (var partition in _staleBounds)
        {
            partition.BoundStale = false;
            if (partition.HoldsBack)
            {
                _lowerBounds.SetLater(partition.Index, partition.WatermarkMs);
            }
            else
            {
                _lowerBounds.RemoveLater(partition.Index);
            }
        }

        _staleBounds.Clear();
        return _lowerBounds.Count == 0 ? long.MaxValue : _lowerBounds.Min.Key;
    }

    /// <summary>Notes that a partition's lower bound, live flag or end may have changed, for the next watermark and release.</summary>
    private void MarkChanged(TrackedPartition partition)
    {
        if (!partition.BoundStale)
        {
            partition.BoundStale = true;
            _staleBounds.Add(partition);
        }

        MarkTouched(partition);
    }

    private void MarkTouched(TrackedPartition partition)
    {
        if (!partition.Touched)
        {
            partition.Touched = true;
            _touched.Add(partition);
        }
    }

    /// <summary>
    /// Rebuilds what is kept across releases from the partitions as they are, after their indexes
    /// changed (or at the start); every partition then counts as changed.
    /// </summary>
    private void Reindex()
    {
        var count = _partitions.Length;
        ReturnSources();
        _sources = ArrayPool<MergeSource>.Shared.Rent(count);
        _heads.Reset(count);
        _lowerBounds.Reset(count);
        _paused.Reset(count);
        _running.Reset(count);
        _staleBounds.Clear();
        _touched.Clear();
        _endedRunning.Clear();
        _staleBounds.EnsureCapacity(count);
        _touched.EnsureCapacity(count);
        _taken.EnsureCapacity(count);
        _liveCount = _doneCount = _resumedInLineCount = 0;
        _earliestBoundMs = long.MaxValue;
        for (var i = 0; i < count; i++)
        {
            var partition = _partitions[i];
            partition.Index = i;
            _sources[i] = new MergeSource(partition.Buffer, partition.TopicIndex, partition.Spec.Partition, partition.TopicUtf8.Length);
            partition.BoundStale = partition.Touched = false;
            MarkChanged(partition);
            if (partition.Buffer.Count > 0)
            {
                _heads.Set(i, partition.Buffer.PeekFirst().TimestampMs);
            }

            (partition.IsPaused ? _paused : _running).Add(i);
            _resumedInLineCount += partition.ResumedInLine ? 1 : 0;
            _liveCount += partition.IsLive ? 1 : 0;
            partition.CountedDone = partition.Done;
            _doneCount += partition.Done ? 1 : 0;
            _earliestBoundMs = Math.Min(_earliestBoundMs, partition.Spec.BoundMs);
        }
    }

    /// <summary>Gives the merge's array back to the shared pool, cleared, so that the pool holds no buffer alive.</summary>
    private void ReturnSources()
    {
        if (_sources.Length > 0)
        {
            ArrayPool<MergeSource>.Shared.Return(_sources, clearArray: true);
        }

        _sources = [];
    }

    private void SetPaused(TrackedPartition partition, bool pause)
    {
        partition.IsPaused = pause;
        _resumedInLineCount -= partition.ResumedInLine ? 1 : 0;
        partition.ResumedInLine = false;
        PausedPartitionCount += pause ? 1 : -1;
        if (pause)
        {
            _running.Remove(partition.Index);
            _paused.Add(partition.Index);
        }
        else
        {
            _paused.Remove(partition.Index);
            _running.Add(partition.Index);
        }
    }

    /// <summary>
    /// What may go out now: every row stamped at or before <c>strict</c>, and rows stamped at or
    /// before <c>held</c> once they have been held the live hold. During replay <c>strict</c> is the
    /// watermark; live, it is everything on arrival, or under a hold the least stream time of the
    /// partitions still read, and <c>held</c> the least of those not at the end of their log.
    /// </summary>
    private (long Strict, long Held) ReleaseBounds(long watermark)
    {
        if (!AllCaughtUp || _options.LiveHoldMs is null)
        {
            return (watermark, long.MinValue);
        }

        long strict = long.MaxValue, held = long.MaxValue;
        foreach (var partition in _partitions)
        {
            if (partition.Done)
            {
                continue;
            }

            strict = Math.Min(strict, partition.WatermarkMs);
            if (!partition.AtEnd)
            {
                held = Math.Min(held, partition.WatermarkMs);
            }
        }

        return (strict, held);
    }

    /// <summary>
    /// The lowest partition index that may still deliver a row stamped <paramref name="strict"/>:
    /// a partition whose stream time (less the reorder window) is exactly that, among those the bound
    /// is taken over. A row at <paramref name="strict"/> of a higher index must wait, since such a row
    /// would go before it: ties break the same way whenever rows arrive, so a rerun over the same
    /// range releases the same sequence. <see cref="int.MaxValue"/> when no partition may.
    /// </summary>
    private int TieFloor(long strict)
    {
        if (strict is long.MinValue or long.MaxValue)
        {
            return int.MaxValue;
        }

        if (!AllCaughtUp)
        {
            // Replaying, strict is the watermark, and the tree breaks ties on the index.
            return _lowerBounds.Count > 0 && _lowerBounds.Min.Key == strict ? _lowerBounds.Min.Partition : int.MaxValue;
        }

        // Live under a hold, the bound is taken over the partitions not done (see ReleaseBounds).
        for (var i = 0; i < _partitions.Length; i++)
        {
            var partition = _partitions[i];
            if (!partition.Done && partition.WatermarkMs == strict)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>Replayed rows go out at the recorded pace until the replay is over.</summary>
    private bool IsPaced => _options.PaceSpeed is not null && !IsLive && _nowMs != long.MinValue;

    /// <summary>Whether a replayed row stamped <paramref name="timestampMs"/> is due by the pace; the first one sets the origin.</summary>
    private bool PaceAllows(long timestampMs)
    {
        if (_paceOriginTimestampMs is not { } origin)
        {
            _paceOriginTimestampMs = timestampMs;
            _paceOriginClockMs = _nowMs;
            return true;
        }

        return timestampMs - origin <= (_nowMs - _paceOriginClockMs) * _options.PaceSpeed!.Value;
    }

    /// <summary>Ends partitions whose time bound the clock passed, and leaves out of the watermark (or takes back) partitions by their progress.</summary>
    private void ApplyClock()
    {
        // Without an idle timeout nothing is left out of the watermark, and before the earliest
        // time bound the clock ends nothing: then there is nothing to walk the partitions for.
        if (_options.IdleTimeoutMs is null && _nowMs < _earliestBoundMs)
        {
            return;
        }

        foreach (var partition in _partitions)
        {
            var wasCaughtUp = partition.CaughtUp;
            var wasDone = partition.Done;
            var wasIdle = partition.IdleSinceMs is not null;
            partition.CheckClock(_nowMs);
            _caughtUpCount += !wasCaughtUp && partition.CaughtUp ? 1 : 0;
            if (partition.IdleSinceMs is { } since && (partition.LastProgressMs > since || partition.CaughtUp))
            {
                partition.IdleSinceMs = null;
            }
            else if (_options.IdleTimeoutMs is { } idle && partition.IdleSinceMs is null && !partition.CaughtUp
                && !partition.IsPaused && _nowMs - partition.LastProgressMs >= idle)
            {
                partition.IdleSinceMs = partition.LastProgressMs;
                IdleExclusions++;
            }

            if (partition.CaughtUp != wasCaughtUp || partition.Done != wasDone || (partition.IdleSinceMs is not null) != wasIdle)
            {
                MarkChanged(partition);
            }
        }
    }

    /// <summary>
    /// Chooses the messages to release, in order, into <see cref="_releasing"/>, stopping at the
    /// first head that may not go yet, so that order is never broken. <paramref name="backlog"/>:
    /// releasable messages were left for the next poll (the batch was full).
    /// </summary>
    private int Merge(long strict, int tieFloor, long held, ref ReleaseTotals totals, out bool backlog)
    {
        var holdUntil = _options.LiveHoldMs is { } hold && _nowMs != long.MinValue ? _nowMs - hold : long.MinValue;
        var paced = IsPaced;
        var limit = _options.BatchSize;
        var count = 0;
        long keyBytes = 0, valueBytes = 0;
        backlog = false;
        while (_heads.Count > 0)
        {
            var index = _heads.Min.Partition;
            var source = _sources[index];
            var buffer = source.Buffer;
            ref readonly var message = ref buffer.PeekNext();
            var inOrder = message.TimestampMs < strict || (message.TimestampMs == strict && index <= tieFloor);
            if (!inOrder && (message.TimestampMs > held || message.ArrivalMs > holdUntil))
            {
                break;
            }

            if (paced && !PaceAllows(message.TimestampMs))
            {
                break;
            }

            var keyLength = Math.Max(message.KeyLength, 0);
            var valueLength = Math.Max(message.ValueLength, 0);

            // Arrow binary columns address their data with int32 offsets.
            if (count == limit || (count > 0 && (keyBytes + keyLength > int.MaxValue || valueBytes + valueLength > int.MaxValue)))
            {
                backlog = true;
                break;
            }

            if (message.TimestampMs < _maxReleasedTimestampMs)
            {
                _partitions[index].OutOfOrderReleases++;
                OutOfOrderReleases++;
            }
            else
            {
                _maxReleasedTimestampMs = message.TimestampMs;
            }

            keyBytes += keyLength;
            valueBytes += valueLength;
            totals.TopicBytes += source.TopicBytes;
            totals.KeyNulls += message.KeyLength < 0 ? 1 : 0;
            totals.ValueNulls += message.ValueLength < 0 ? 1 : 0;
            if (count == _releasing.Length)
            {
                var larger = ArrayPool<ReleasedMessage>.Shared.Rent(Math.Min(count * 2, limit));
                _releasing.AsSpan(0, count).CopyTo(larger);
                ArrayPool<ReleasedMessage>.Shared.Return(_releasing, clearArray: true);
                _releasing = larger;
            }

            _releasing[count++] = new ReleasedMessage(buffer.ChunkOf(message), message, source.Topic, source.Partition);
            if (buffer.Taken == 0)
            {
                _taken.Add(index);
            }

            buffer.TakeNext();
            if (buffer.HasNext)
            {
                _heads.ReplaceMinKey(buffer.PeekNext().TimestampMs);
            }
            else
            {
                _heads.RemoveMin();
            }
        }

        totals.KeyBytes = (int)keyBytes;
        totals.ValueBytes = (int)valueBytes;
        return count;
    }

    /// <summary>Drops the rows the release in progress took from the buffers (this is not a Kafka commit).</summary>
    private void RemoveReleased()
    {
        foreach (var index in _taken)
        {
            var partition = _partitions[index];
            var (count, bytes, releasedThrough) = partition.Buffer.CommitTaken();
            partition.Released(releasedThrough!.Value);
            HeldMessageCount -= count;
            HeldBytes -= bytes;
            MarkTouched(partition);
        }

        _taken.Clear();
    }

    /// <summary>
    /// Live and done flags can only have changed for a partition delivered to, ended or released from
    /// since the last release. The one pass over those (with thousands of partitions, each pass a
    /// cache miss or more a partition): it also lists those that ended and still run, for
    /// backpressure to pause, and leaves the list empty for what changes from now on.
    /// </summary>
    private void UpdateLive()
    {
        foreach (var partition in _touched)
        {
            var wasLive = partition.IsLive;
            partition.UpdateLive();
            _liveCount += !wasLive && partition.IsLive ? 1 : 0;
            if (partition.Done && !partition.CountedDone)
            {
                partition.CountedDone = true;
                _doneCount++;
            }

            if (partition.Done && !partition.IsPaused)
            {
                _endedRunning.Add(partition.Index);
            }

            partition.Touched = false;
        }

        _touched.Clear();

        IsLive = _liveCount == _partitions.Length;
        IsComplete = _bounded && _doneCount == _partitions.Length && HeldMessageCount == 0 && _partitions.Length > 0;
    }

    /// <summary>Held messages or bytes are above a bound.</summary>
    public bool OverBound => HeldMessageCount > _options.MaxHeldMessages || HeldBytes > _options.MaxHeldBytes;

    /// <summary>
    /// Called after the partition delivered, during a poll's intake: above the low mark (half a
    /// bound), a replaying
    /// partition whose intake cannot help release anything is paused now, not after the intake
    /// (which went on taking in up to a batch from every partition the client had fetched, and
    /// with hundreds of partitions, a fetch of each). True when the consumer must pause it; the
    /// client then drops what it prefetched for it and resumes after the last message delivered.
    /// </summary>
    public bool PauseAtIntake(int index)
    {
        var partition = _partitions[index];
        var halfFull = HeldMessageCount > _options.MaxHeldMessages * EngineOptions.ResumeFraction || HeldBytes > _options.MaxHeldBytes * EngineOptions.ResumeFraction;
        if (partition.IsPaused || !halfFull || AllCaughtUp)
        {
            return false;
        }

        // Above the low mark a partition that cannot help takes one message per resume: until every
        // partition has delivered, nothing can be released, so the first messages of the others
        // still fit within the bound; after that, backpressure resumes the partitions next in line together.
        var watermark = ComputeWatermark();
        if (IsBlocker(partition, index, watermark, TieFloor(watermark)))
        {
            return false;
        }

        // A partition resumed next in line goes on while the room the last release left under the
        // bounds lasts: each resume costs a fetch round trip, and a sparse partition taking one
        // message per trip made a replay of hundreds of them a trip per message.
        if (partition.ResumedInLine)
        {
            _inLineRoomBytes -= _lastHeldBytes;
            _inLineRoomMessages--;
            if (_inLineRoomBytes >= 0 && _inLineRoomMessages >= 0)
            {
                return false;
            }
        }

        SetPaused(partition, true);
        return true;
    }

    /// <summary>Why the partition holds back release, for partition state; null when it does not.</summary>
    private static string? Blocking(TrackedPartition partition, long watermark) => partition switch
    {
        { CaughtUp: true } => null,
        { IdleSinceMs: { } since } => $"idle since {DateTimeOffset.FromUnixTimeMilliseconds(since):O}; left out of the watermark",
        { HasConsumed: false } => "waiting for first message",
        _ when partition.WatermarkMs <= watermark => "holds the watermark",
        _ => null,
    };

    /// <summary>
    /// Above the bound, pauses every partition whose intake cannot help release anything: all of
    /// them while released-able messages wait for the next poll, otherwise all but the "blockers"
    /// (partitions still replaying that hold the watermark down). Below the low mark, resumes all.
    /// In between it keeps the current set, except that it never leaves every blocker paused
    /// while nothing can be released, which would stall the replay.
    /// </summary>
    private void DecideBackpressure(long watermark, bool backlog, bool released)
    {
        _toPause.Clear();
        _toResume.Clear();
        var over = HeldMessageCount > _options.MaxHeldMessages || HeldBytes > _options.MaxHeldBytes;
        var under = HeldMessageCount <= _options.MaxHeldMessages * EngineOptions.ResumeFraction
            && HeldBytes <= _options.MaxHeldBytes * EngineOptions.ResumeFraction;

        // Above the low mark, resuming only the partition that holds the watermark moves it one
        // partition per fetch round trip: with hundreds of partitions that stalled a replay for a
        // minute. The partitions next in line (lowest stream times, up to half a batch of them) are
        // resumed together; they take in what the room left under the bounds covers, then each is
        // paused again at its next message (PauseAtIntake), so this costs at most that room and half
        // a batch's intake, and their release frees as much.
        var nextInLine = !under && !backlog && watermark != long.MinValue ? NextInLine(watermark) : long.MinValue;

        var stalled = !backlog;
        var tieFloor = TieFloor(watermark);

        // Blockers hold back with a lower bound at most the watermark or the next in line: the tree lists just those.
        _candidates.Clear();
        _lowerBounds.CollectAtMost(Math.Max(watermark, nextInLine), _candidates, _pending);
        if (!over && !under)
        {
            foreach (var i in _candidates)
            {
                if (IsBlocker(_partitions[i], i, watermark, tieFloor) && !_partitions[i].IsPaused)
                {
                    stalled = false;
                    break;
                }
            }
        }

        // Besides blockers (and partitions next in line) only these can change: partitions that ended
        // and still run (paused for good), above the bound the running ones, below the low mark the
        // paused ones. Any other partition would be decided as it stands.
        _candidates.AddRange(_endedRunning);
        _endedRunning.Clear();

        var others = over ? _running : under ? _paused : null;
        for (var n = 0; n < (others?.Count ?? 0); n++)
        {
            _candidates.Add(others![n]);
        }

        // A partition listed twice is decided the same way twice: the second time changes nothing.
        foreach (var i in _candidates)
        {
            var partition = _partitions[i];
            var blocker = IsBlocker(partition, i, watermark, tieFloor)
                || (IsInLine(partition) && partition.WatermarkMs <= nextInLine);
            var pause = partition.Done || (over ? backlog || !blocker
                : !under && partition.IsPaused && !((stalled || nextInLine != long.MinValue) && blocker));
            if (pause != partition.IsPaused)
            {
                SetPaused(partition, pause);
                partition.ResumedInLine = !pause && nextInLine != long.MinValue && IsInLine(partition) && partition.WatermarkMs <= nextInLine;
                _resumedInLineCount += partition.ResumedInLine ? 1 : 0;
                (pause ? _toPause : _toResume).Add(i);

                // Time spent paused is not a want of progress.
                partition.LastProgressMs = pause ? partition.LastProgressMs : Math.Max(partition.LastProgressMs, _nowMs);
            }
        }

        _toPause.Sort();
        _toResume.Sort();
        // Once the room is spent, each such partition may still take one message before it is paused: that is kept out of the room.
        _inLineRoomBytes = nextInLine != long.MinValue ? _options.MaxHeldBytes - HeldBytes - (_resumedInLineCount * _largestMessageBytes) : -1;
        _inLineRoomMessages = nextInLine != long.MinValue ? _options.MaxHeldMessages - HeldMessageCount - _resumedInLineCount : -1;
    }

    /// <summary>
    /// The stream time of the last of the next partitions in line to hold the watermark: the
    /// (<see cref="EngineOptions.BatchSize"/> / 2)-th lowest among those in line (all of them when fewer).
    /// </summary>
    private long NextInLine(long watermark)
    {
        // Walks the lower bounds in order, as far as it takes to find them.
        var line = new InLineSearch(_partitions, Math.Max(1, _options.BatchSize / 2), watermark);
        _lowerBounds.VisitInOrder(ref line, _inLine);
        return line.Line;
    }

    /// <summary>A partition as the merge reads it: its buffer, topic index, partition number and the bytes of its topic's name.</summary>
    private readonly record struct MergeSource(PartitionBuffer Buffer, int Topic, int Partition, int TopicBytes);

    /// <summary>Counts the partitions in line among the lower bounds, least first, up to the number wanted.</summary>
    private struct InLineSearch(TrackedPartition[] partitions, int wanted, long watermark) : IEntryVisitor
    {
        private int _found;

        public long Line { get; private set; } = watermark;

        public bool Visit(long key, int partition)
        {
            if (IsInLine(partitions[partition]))
            {
                Line = key;
                _found++;
            }

            return _found < wanted;
        }
    }

    /// <summary>
    /// A partition that may be resumed to move the watermark on: still replaying, and holding at
    /// most its latest message (one that holds more already read past it, and more would wait).
    /// </summary>
    private static bool IsInLine(TrackedPartition partition) =>
        partition.HoldsBack && partition.Buffer.Count <= 1;

    /// <summary>
    /// A partition whose intake can let more out: one still replaying that has delivered nothing,
    /// or that holds the watermark, or, among those tied on it, the one whose rows go first (the others' rows at the watermark wait for it).
    /// </summary>
    private static bool IsBlocker(TrackedPartition partition, int index, long watermark, int tieFloor) =>
        !partition.CaughtUp && partition.IdleSinceMs is null
        && (!partition.HasConsumed || partition.WatermarkMs < watermark || (partition.WatermarkMs == watermark && index <= tieFloor));
}
