using TypedKafka.Engine;

namespace TypedKafka.Tests.Engine;

/// <summary>
/// The engine's release and backpressure rules written the plain way, as the engine had them before
/// it kept heaps across releases: every decision scans every partition, and the next row is picked
/// by a linear search. Slow and obviously right, it is the reference the engine is compared with
/// step by step (<see cref="IncrementalEngineProperties"/>). It keeps per-partition state in
/// <see cref="TrackedPartition"/>, like the engine, so only the engine-wide rules are restated.
/// </summary>
internal sealed class ReferenceEngine : IDisposable
{
    private readonly EngineOptions _options;
    private readonly BufferPools _pools = new(16 * BufferPools.ChunkSize);
    private readonly List<string> _topics;
    private TrackedPartition[] _partitions;
    private long _nowMs = long.MinValue;

    // What partitions resumed next in line may still take in before they are paused at intake.
    private long _roomBytes;
    private long _roomMessages;
    private long _lastHeldBytes;
    private long _largestMessageBytes;

    public ReferenceEngine(IEnumerable<PartitionSpec> partitions, EngineOptions options, IReadOnlyList<string> topicOrder)
    {
        _options = options;
        _topics = [.. topicOrder];
        _partitions = [];
        Replace([.. partitions.Select(New)]);
    }

    public List<int> ToPause { get; } = [];

    public List<int> ToResume { get; } = [];

    public int HeldMessageCount { get; private set; }

    public long HeldBytes { get; private set; }

    public bool IsLive { get; private set; }

    public bool IsComplete { get; private set; }

    public int PartitionCount => _partitions.Length;

    public long? Watermark => ComputeWatermark() is var w && w is long.MinValue or long.MaxValue ? null : w;

    public bool IsPaused(int index) => _partitions[index].IsPaused;

    public PartitionSpec Partition(int index) => _partitions[index].Spec;

    private bool AllCaughtUp => _partitions.All(p => p.CaughtUp);

    public void Advance(long nowMs)
    {
        if (_nowMs == long.MinValue)
        {
            foreach (var partition in _partitions)
            {
                partition.LastProgressMs = nowMs;
            }
        }

        _nowMs = nowMs;
    }

    /// <summary>When something falls due by the clock (a hold, an idle timeout, a time bound); paced replays are left out.</summary>
    public long? NextDueMs()
    {
        var due = _partitions.SelectMany(p => new[]
        {
            AllCaughtUp && _options.LiveHoldMs is { } hold && p.Buffer.Count > 0 ? p.Buffer.PeekFirst().ArrivalMs + hold : long.MaxValue,
            _options.IdleTimeoutMs is { } idle && !p.CaughtUp && !p.IsPaused && p.IdleSinceMs is null ? p.LastProgressMs + idle : long.MaxValue,
            !p.Done && p.AtEnd && p.Spec.BoundMs != long.MaxValue ? p.Spec.BoundMs : long.MaxValue,
        }).Where(at => at > _nowMs).DefaultIfEmpty(long.MaxValue).Min();
        return due == long.MaxValue ? null : due;
    }

    public void Deliver(int index, long offset, long timestampMs, int valueLength)
    {
        var partition = _partitions[index];
        _lastHeldBytes = 0;
        if (partition.Consume(offset, timestampMs, _options.CutoffMs, _nowMs) != Delivery.Held)
        {
            return;
        }

        var before = partition.Buffer.Bytes;
        partition.Buffer.Append(offset, timestampMs, timestampMs, _nowMs, default, true, new byte[valueLength], false, startsRun: partition.LastHeldIsLate);
        HeldMessageCount++;
        HeldBytes += partition.Buffer.Bytes - before;
        _lastHeldBytes = partition.Buffer.Bytes - before;
        _largestMessageBytes = Math.Max(_largestMessageBytes, _lastHeldBytes);
    }

    public void EndOfPartition(int index, long position) => _partitions[index].EndOfPartition(position, _nowMs);

    public void AddPartition(PartitionSpec spec)
    {
        var partition = New(spec);
        if (_nowMs != long.MinValue)
        {
            partition.LastProgressMs = _nowMs;
        }

        Replace([.. _partitions, partition]);
    }

    public void RemovePartition(string topic, int number)
    {
        var partition = _partitions.Single(p => p.Spec.Topic == topic && p.Spec.Partition == number);
        HeldMessageCount -= partition.Buffer.Count;
        HeldBytes -= partition.Buffer.Bytes;
        partition.Buffer.Dispose();
        Replace([.. _partitions.Where(p => p != partition)]);
    }

    /// <summary>Releases what may go out, as (partition index, offset) in release order.</summary>
    public List<(int Partition, long Offset)> Release()
    {
        if (_nowMs != long.MinValue)
        {
            ApplyClock();
        }

        var watermark = ComputeWatermark();
        var (strict, held) = ReleaseBounds(watermark);
        var tieFloor = TieFloor(strict);
        var holdUntil = _options.LiveHoldMs is { } hold && _nowMs != long.MinValue ? _nowMs - hold : long.MinValue;
        var released = new List<(int, long)>();
        var backlog = false;
        while (true)
        {
            // The least (timestamp, index) among the partitions' next rows.
            var index = -1;
            for (var i = 0; i < _partitions.Length; i++)
            {
                var buffer = _partitions[i].Buffer;
                if (buffer.HasNext && (index < 0 || buffer.PeekNext().TimestampMs < _partitions[index].Buffer.PeekNext().TimestampMs))
                {
                    index = i;
                }
            }

            if (index < 0)
            {
                break;
            }

            var partition = _partitions[index];
            ref readonly var message = ref partition.Buffer.PeekNext();
            var inOrder = message.TimestampMs < strict || (message.TimestampMs == strict && index <= tieFloor);
            if (!inOrder && (message.TimestampMs > held || message.ArrivalMs > holdUntil))
            {
                break;
            }

            if (released.Count == _options.BatchSize)
            {
                backlog = true;
                break;
            }

            released.Add((index, message.Offset));
            partition.Buffer.TakeNext();
        }

        foreach (var partition in _partitions.Where(p => p.Buffer.Taken > 0))
        {
            var (count, bytes, through) = partition.Buffer.CommitTaken();
            partition.Released(through!.Value);
            HeldMessageCount -= count;
            HeldBytes -= bytes;
        }

        UpdateLive();
        DecideBackpressure(watermark, backlog);
        return released;
    }

    public bool PauseAtIntake(int index)
    {
        var partition = _partitions[index];
        var halfFull = HeldMessageCount > _options.MaxHeldMessages * EngineOptions.ResumeFraction || HeldBytes > _options.MaxHeldBytes * EngineOptions.ResumeFraction;
        if (partition.IsPaused || !halfFull || AllCaughtUp)
        {
            return false;
        }

        var watermark = ComputeWatermark();
        if (IsBlocker(partition, index, watermark, TieFloor(watermark)))
        {
            return false;
        }

        if (partition.ResumedInLine)
        {
            _roomBytes -= _lastHeldBytes;
            _roomMessages--;
            if (_roomBytes >= 0 && _roomMessages >= 0)
            {
                return false;
            }
        }

        partition.IsPaused = true;
        partition.ResumedInLine = false;
        return true;
    }

    public void Dispose()
    {
        foreach (var partition in _partitions)
        {
            partition.Buffer.Dispose();
        }

        _pools.Dispose();
    }

    private TrackedPartition New(PartitionSpec spec)
    {
        if (!_topics.Contains(spec.Topic))
        {
            _topics.Add(spec.Topic);
        }

        return new TrackedPartition(spec, _topics.IndexOf(spec.Topic), System.Text.Encoding.UTF8.GetBytes(spec.Topic), _pools, reorderWindowMs: _options.MaxOutOfOrdernessMs);
    }

    private void Replace(TrackedPartition[] partitions)
    {
        Array.Sort(partitions, static (a, b) => a.TopicIndex != b.TopicIndex ? a.TopicIndex.CompareTo(b.TopicIndex) : a.Spec.Partition.CompareTo(b.Spec.Partition));
        _partitions = partitions;
        ToPause.Clear();
        ToResume.Clear();
        UpdateLive();
    }

    private static bool HoldsBack(TrackedPartition partition) => !partition.CaughtUp && partition.IdleSinceMs is null;

    private long ComputeWatermark()
    {
        var holding = _partitions.Where(HoldsBack).ToList();
        return holding.Count == 0 ? long.MaxValue
            : holding.Any(p => !p.HasConsumed) ? long.MinValue
            : holding.Min(p => p.WatermarkMs);
    }

    private (long Strict, long Held) ReleaseBounds(long watermark)
    {
        if (!AllCaughtUp || _options.LiveHoldMs is null)
        {
            return (watermark, long.MinValue);
        }

        var notDone = _partitions.Where(p => !p.Done).ToList();
        return (notDone.Select(p => p.WatermarkMs).DefaultIfEmpty(long.MaxValue).Min(),
            notDone.Where(p => !p.AtEnd).Select(p => p.WatermarkMs).DefaultIfEmpty(long.MaxValue).Min());
    }

    private int TieFloor(long strict)
    {
        if (strict is long.MinValue or long.MaxValue)
        {
            return int.MaxValue;
        }

        var live = AllCaughtUp;
        var floor = Array.FindIndex(_partitions, p => (live ? !p.Done : HoldsBack(p)) && p.WatermarkMs == strict);
        return floor < 0 ? int.MaxValue : floor;
    }

    private void ApplyClock()
    {
        foreach (var partition in _partitions)
        {
            partition.CheckClock(_nowMs);
            if (partition.IdleSinceMs is { } since && (partition.LastProgressMs > since || partition.CaughtUp))
            {
                partition.IdleSinceMs = null;
            }
            else if (_options.IdleTimeoutMs is { } idle && partition.IdleSinceMs is null && !partition.CaughtUp
                && !partition.IsPaused && _nowMs - partition.LastProgressMs >= idle)
            {
                partition.IdleSinceMs = partition.LastProgressMs;
            }
        }
    }

    private void UpdateLive()
    {
        foreach (var partition in _partitions)
        {
            partition.UpdateLive();
        }

        IsLive = _partitions.All(p => p.IsLive);
        IsComplete = _partitions.Length > 0 && _partitions.All(p => p.Spec.IsBounded && p.Done) && HeldMessageCount == 0;
    }

    private void DecideBackpressure(long watermark, bool backlog)
    {
        ToPause.Clear();
        ToResume.Clear();
        var over = HeldMessageCount > _options.MaxHeldMessages || HeldBytes > _options.MaxHeldBytes;
        var under = HeldMessageCount <= _options.MaxHeldMessages * EngineOptions.ResumeFraction
            && HeldBytes <= _options.MaxHeldBytes * EngineOptions.ResumeFraction;
        var inLine = _partitions.Where(IsInLine).Select(p => p.WatermarkMs).Order().ToList();
        var nextInLine = under || backlog || watermark == long.MinValue ? long.MinValue
            : inLine.Count == 0 ? watermark : inLine[Math.Min(inLine.Count, Math.Max(1, _options.BatchSize / 2)) - 1];
        var tieFloor = TieFloor(watermark);
        var stalled = !backlog && (over || under || !_partitions.Where((p, i) => IsBlocker(p, i, watermark, tieFloor) && !p.IsPaused).Any());
        for (var i = 0; i < _partitions.Length; i++)
        {
            var partition = _partitions[i];
            var blocker = IsBlocker(partition, i, watermark, tieFloor) || (IsInLine(partition) && partition.WatermarkMs <= nextInLine);
            var pause = partition.Done || (over ? backlog || !blocker
                : !under && partition.IsPaused && !((stalled || nextInLine != long.MinValue) && blocker));
            if (pause != partition.IsPaused)
            {
                partition.IsPaused = pause;
                partition.ResumedInLine = !pause && nextInLine != long.MinValue && IsInLine(partition) && partition.WatermarkMs <= nextInLine;
                (pause ? ToPause : ToResume).Add(i);
                partition.LastProgressMs = pause ? partition.LastProgressMs : Math.Max(partition.LastProgressMs, _nowMs);
            }
        }

        var resumedInLine = _partitions.Count(p => p.ResumedInLine);
        _roomBytes = nextInLine != long.MinValue ? _options.MaxHeldBytes - HeldBytes - (resumedInLine * _largestMessageBytes) : -1;
        _roomMessages = nextInLine != long.MinValue ? _options.MaxHeldMessages - HeldMessageCount - resumedInLine : -1;
    }

    private static bool IsInLine(TrackedPartition partition) => HoldsBack(partition) && partition.Buffer.Count <= 1;

    private static bool IsBlocker(TrackedPartition partition, int index, long watermark, int tieFloor) =>
        HoldsBack(partition) && (!partition.HasConsumed || partition.WatermarkMs < watermark || (partition.WatermarkMs == watermark && index <= tieFloor));
}
