using System.Buffers;
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
    private readonly EngineOptions _options;

    // Replaced, never edited in place, when a partition is added or removed (a consumer group's rebalance).
    private readonly HeadHeap _heap;
    private TrackedPartition[] _partitions;
    private bool _bounded;
    private readonly ChunkPool _chunkPool;
    private readonly List<int> _toPause = [];
    private readonly List<int> _toResume = [];
    private ReleasedMessage[] _releasing;
    private int _caughtUpCount;
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
        _chunkPool = new ChunkPool((int)Math.Clamp(options.MaxHeldBytes / PartitionBuffer.ChunkSize, 16, 4096));
        var topicIndexes = _topicIndexes;
        foreach (var topic in topicOrder ?? [])
        {
            topicIndexes.TryAdd(topic, topicIndexes.Count);
        }

        var tracked = new List<TrackedPartition>();
        foreach (var spec in partitions)
        {
            if (spec.StartOffset > spec.EndOffset)
            {
                throw new ArgumentException($"Partition {spec.Topic}[{spec.Partition}]: replay start offset {spec.StartOffset} is past its end offset {spec.EndOffset}.", nameof(partitions));
            }

            if (!topicIndexes.TryGetValue(spec.Topic, out var topicIndex))
            {
                topicIndex = topicIndexes.Count;
                topicIndexes.Add(spec.Topic, topicIndex);
            }

            tracked.Add(new TrackedPartition(spec, topicIndex, _chunkPool, options.MaxOutOfOrdernessMs));
        }

        if (tracked.Count == 0 && topicOrder is null)
        {
            throw new ArgumentException("At least one partition is needed.", nameof(partitions));
        }

        // The heap breaks ties on the partition's index, so index order must be (topic index, partition).
        tracked.Sort((a, b) => a.TopicIndex != b.TopicIndex ? a.TopicIndex.CompareTo(b.TopicIndex) : a.Spec.Partition.CompareTo(b.Spec.Partition));
        _partitions = [.. tracked];
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
        _heap = new HeadHeap(_partitions.Length);
        _releasing = new ReleasedMessage[Math.Min(options.BatchSize, 1024)];
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
        // A redelivered offset (consumed already) or one past a done partition's end is not held.
        if (delivery != Delivery.Held)
        {
            return;
        }

        var before = tracked.Buffer.Bytes;
        tracked.Buffer.Append(offset, timestampMs, brokerTimestampMs ?? timestampMs, _nowMs, key, keyIsNull, value, valueIsNull, headers, startsRun: tracked.LastHeldIsLate);
        HeldMessageCount++;
        HeldBytes += tracked.Buffer.Bytes - before;
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
        var batch = MessageBatchBuilder.Build(_releasing.AsSpan(0, count), totals, _partitions, _options.EventTime, _options.Headers);
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
        foreach (var partition in _partitions)
        {
            partition.Buffer.Dispose();
        }

        _chunkPool.Dispose();
    }

    /// <summary>
    /// The minimum stream time over partitions still replaying; <see cref="long.MinValue"/> when
    /// one of them has delivered nothing (so nothing is safe to release), <see cref="long.MaxValue"/>
    /// when all are caught up.
    /// </summary>
    private long ComputeWatermark()
    {
        var watermark = long.MaxValue;
        foreach (var partition in _partitions)
        {
            if (partition.CaughtUp || partition.IdleSinceMs is not null)
            {
                continue;
            }

            if (!partition.HasConsumed)
            {
                return long.MinValue;
            }

            watermark = Math.Min(watermark, partition.WatermarkMs);
        }

        return watermark;
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

        var live = AllCaughtUp;
        for (var i = 0; i < _partitions.Length; i++)
        {
            var partition = _partitions[i];
            var counts = live ? !partition.Done : !partition.CaughtUp && partition.IdleSinceMs is null;
            if (counts && partition.WatermarkMs == strict)
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
        foreach (var partition in _partitions)
        {
            var wasCaughtUp = partition.CaughtUp;
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
        }
    }

    /// <summary>
    /// Chooses the messages to release, in order, into <see cref="_releasing"/>, stopping at the
    /// first head that may not go yet, so that order is never broken. <paramref name="backlog"/>:
    /// releasable messages were left for the next poll (the batch was full).
    /// </summary>
    private int Merge(long strict, int tieFloor, long held, ref ReleaseTotals totals, out bool backlog)
    {
        _heap.Clear();
        var upper = Math.Max(strict, held);
        for (var i = 0; i < _partitions.Length; i++)
        {
            var buffer = _partitions[i].Buffer;
            if (buffer.Count > 0 && buffer.PeekFirst().TimestampMs <= upper)
            {
                _heap.AddUnordered(buffer.PeekFirst().TimestampMs, i);
            }
        }

        _heap.Heapify();
        var holdUntil = _options.LiveHoldMs is { } hold && _nowMs != long.MinValue ? _nowMs - hold : long.MinValue;
        var paced = IsPaced;
        var limit = _options.BatchSize;
        var count = 0;
        long keyBytes = 0, valueBytes = 0;
        backlog = false;
        while (_heap.Count > 0)
        {
            var index = _heap.Min.Partition;
            var partition = _partitions[index];
            var buffer = partition.Buffer;
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
                partition.OutOfOrderReleases++;
                OutOfOrderReleases++;
            }
            else
            {
                _maxReleasedTimestampMs = message.TimestampMs;
            }

            keyBytes += keyLength;
            valueBytes += valueLength;
            totals.TopicBytes += partition.TopicUtf8.Length;
            totals.KeyNulls += message.KeyLength < 0 ? 1 : 0;
            totals.ValueNulls += message.ValueLength < 0 ? 1 : 0;
            if (count == _releasing.Length)
            {
                System.Array.Resize(ref _releasing, Math.Min(count * 2, limit));
            }

            _releasing[count++] = new ReleasedMessage(index, message);
            buffer.TakeNext();
            if (buffer.HasNext && buffer.PeekNext().TimestampMs <= upper)
            {
                _heap.ReplaceMinTimestamp(buffer.PeekNext().TimestampMs);
            }
            else
            {
                _heap.RemoveMin();
            }
        }

        totals.KeyBytes = (int)keyBytes;
        totals.ValueBytes = (int)valueBytes;
        return count;
    }

    /// <summary>Drops the rows the release in progress took from the buffers (this is not a Kafka commit).</summary>
    private void RemoveReleased()
    {
        foreach (var partition in _partitions)
        {
            if (partition.Buffer.Taken == 0)
            {
                continue;
            }

            var (count, bytes, releasedThrough) = partition.Buffer.CommitTaken();
            partition.Released(releasedThrough!.Value);
            HeldMessageCount -= count;
            HeldBytes -= bytes;
        }
    }

    private void UpdateLive()
    {
        var allLive = true;
        var allDone = true;
        foreach (var partition in _partitions)
        {
            partition.UpdateLive();
            allLive &= partition.IsLive;
            allDone &= partition.Done;
        }

        IsLive = allLive;
        IsComplete = _bounded && allDone && HeldMessageCount == 0 && _partitions.Length > 0;
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

        partition.IsPaused = true;
        PausedPartitionCount++;
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
        // resumed together; each is paused again at its first message (PauseAtIntake), so this
        // costs at most half a batch's intake, and their release frees as much.
        var nextInLine = !under && !backlog && watermark != long.MinValue ? NextInLine(watermark) : long.MinValue;

        var stalled = !backlog;
        var tieFloor = TieFloor(watermark);
        if (!over && !under)
        {
            for (var i = 0; i < _partitions.Length; i++)
            {
                var partition = _partitions[i];
                if (IsBlocker(partition, i, watermark, tieFloor) && !partition.IsPaused)
                {
                    stalled = false;
                    break;
                }
            }
        }

        for (var i = 0; i < _partitions.Length; i++)
        {
            var partition = _partitions[i];
            var blocker = IsBlocker(partition, i, watermark, tieFloor)
                || (IsInLine(partition) && partition.WatermarkMs <= nextInLine);
            var pause = partition.Done || (over ? backlog || !blocker
                : !under && partition.IsPaused && !((stalled || nextInLine != long.MinValue) && blocker));
            if (pause != partition.IsPaused)
            {
                partition.IsPaused = pause;
                (pause ? _toPause : _toResume).Add(i);

                // Time spent paused is not a want of progress.
                partition.LastProgressMs = pause ? partition.LastProgressMs : Math.Max(partition.LastProgressMs, _nowMs);
                PausedPartitionCount += pause ? 1 : -1;
            }
        }
    }

    /// <summary>
    /// The stream time of the last of the next partitions in line to hold the watermark: the
    /// (<see cref="EngineOptions.BatchSize"/> / 2)-th lowest among those in line (all of them when fewer).
    /// </summary>
    private long NextInLine(long watermark)
    {
        var times = ArrayPool<long>.Shared.Rent(_partitions.Length);
        var count = 0;
        foreach (var partition in _partitions)
        {
            if (IsInLine(partition))
            {
                times[count++] = partition.WatermarkMs;
            }
        }

        var span = times.AsSpan(0, count);
        span.Sort();
        var line = count == 0 ? watermark : span[Math.Min(count, Math.Max(1, _options.BatchSize / 2)) - 1];
        ArrayPool<long>.Shared.Return(times);
        return line;
    }

    /// <summary>
    /// A partition that may be resumed to move the watermark on: still replaying, and holding at
    /// most its latest message (one that holds more already read past it, and more would wait).
    /// </summary>
    private static bool IsInLine(TrackedPartition partition) =>
        !partition.CaughtUp && partition.IdleSinceMs is null && partition.Buffer.Count <= 1;

    /// <summary>
    /// A partition whose intake can let more out: one still replaying that has delivered nothing,
    /// or that holds the watermark, or, among those tied on it, the one whose rows go first (the others' rows at the watermark wait for it).
    /// </summary>
    private static bool IsBlocker(TrackedPartition partition, int index, long watermark, int tieFloor) =>
        !partition.CaughtUp && partition.IdleSinceMs is null
        && (!partition.HasConsumed || partition.WatermarkMs < watermark || (partition.WatermarkMs == watermark && index <= tieFloor));
}
