namespace TypedKafka.Engine;

/// <summary>What became of a delivered message.</summary>
internal enum Delivery
{
    /// <summary>Held for release.</summary>
    Held,

    /// <summary>An offset consumed already: ignored.</summary>
    Redelivered,

    /// <summary>At or past the partition's end bound: never released.</summary>
    PastEnd,
}

/// <summary>The engine's view of one partition: what it holds and how far it got.</summary>
internal sealed class TrackedPartition
{
    // The consumed offset at the moment the partition caught up: once released, it is live.
    private long _catchUpOffset;

    // The highest offset seen past the end bound, so that redelivered ones are not counted twice.
    private long _pastEndOffset = -1;

    /// <summary>Starts tracking a partition; <paramref name="reorderWindowMs"/> is how far behind the stream time a message may be and still be released in timestamp order (0 keeps offset order).</summary>
    public TrackedPartition(PartitionSpec spec, int topicIndex, byte[] topicUtf8, BufferPools pools, ArrivalLog? log = null, long reorderWindowMs = 0)
    {
        Spec = spec;
        TopicIndex = topicIndex;
        TopicUtf8 = topicUtf8;
        ReorderWindowMs = reorderWindowMs;
        Buffer = new PartitionBuffer(pools, reorder: reorderWindowMs > 0, log);
        ConsumedOffset = ReleasedOffset = _catchUpOffset = spec.StartOffset - 1;
        CaughtUp = IsLive = spec.StartOffset >= spec.EndOffset;
        if (spec.StartOffset >= spec.BoundOffset)
        {
            Finish(spec.StartOffset);
        }
    }

    public PartitionSpec Spec { get; }

    /// <summary>Position of the topic in the consumer's topic list; breaks timestamp ties.</summary>
    public int TopicIndex { get; }

    /// <summary>The topic's name in UTF-8, shared by the topic's partitions.</summary>
    public byte[] TopicUtf8 { get; }

    public PartitionBuffer Buffer { get; }

    /// <summary>Last offset consumed and held (inclusive); <c>StartOffset - 1</c> before the first.</summary>
    public long ConsumedOffset { get; private set; }

    /// <summary>Last offset released (inclusive); <c>StartOffset - 1</c> before the first.</summary>
    public long ReleasedOffset { get; private set; }

    public bool HasConsumed { get; private set; }

    /// <summary>Largest timestamp consumed so far; meaningful once <see cref="HasConsumed"/>.</summary>
    public long StreamTimeMs { get; private set; } = long.MinValue;

    public long? LastConsumedTimestampMs { get; private set; }

    /// <summary>See <see cref="EngineOptions.MaxOutOfOrdernessMs"/>.</summary>
    public long ReorderWindowMs { get; }

    /// <summary>
    /// What this partition lets the watermark reach: no message it delivers later can be stamped
    /// before it, except a late one. Its stream time less the reorder window; <see cref="long.MinValue"/> before the first message.
    /// </summary>
    public long WatermarkMs => HasConsumed ? StreamTimeMs - ReorderWindowMs : long.MinValue;

    /// <summary>The last message held came further behind the stream time than the reorder window allows: it keeps its offset position.</summary>
    public bool LastHeldIsLate { get; private set; }

    /// <summary>Consumption reached the end of the replay range, the cutoff or the end bound. Never goes back.</summary>
    public bool CaughtUp { get; private set; }

    /// <summary>Caught up, and everything consumed up to that point released. Never goes back.</summary>
    public bool IsLive { get; private set; }

    /// <summary>A bounded read reached the partition's end: nothing more is taken in. Never goes back.</summary>
    public bool Done { get; private set; }

    /// <summary>The exclusive end offset of a bounded read once known; null while unbounded or not known yet.</summary>
    public long? EndBound { get; private set; }

    /// <summary>The last event was the end of the log (nothing consumed since).</summary>
    public bool AtEnd { get; private set; }

    /// <summary>Where the consumer stood at the last end of the log: the next offset it would read.</summary>
    public long EndPosition { get; private set; }

    /// <summary>Engine clock of the last message or end-of-log event; <see cref="long.MinValue"/> before the clock started.</summary>
    public long LastProgressMs { get; set; } = long.MinValue;

    /// <summary>Since when the partition has been left out of the watermark for want of progress; null when it is not.</summary>
    public long? IdleSinceMs { get; set; }

    public bool IsPaused { get; set; }

    /// <summary>Resumed as one of the partitions next in line to hold the watermark (and not paused since).</summary>
    public bool ResumedInLine { get; set; }

    // The engine's bookkeeping, so that a release visits the partitions that changed, not all of them.

    /// <summary>The partition's place in the engine's index order (topic index, partition).</summary>
    public int Index { get; set; }

    /// <summary>Its lower bound (<see cref="WatermarkMs"/>, or whether it counts) may have changed since the engine's watermark heap last saw it.</summary>
    public bool BoundStale { get; set; }

    /// <summary>Delivered, ended or released since the last release decided live flags and pauses.</summary>
    public bool Touched { get; set; }

    /// <summary>The engine has counted it as done.</summary>
    public bool CountedDone { get; set; }

    /// <summary>Counts toward the replay watermark: still replaying, and not left out for want of progress.</summary>
    public bool HoldsBack => !CaughtUp && IdleSinceMs is null;

    /// <summary>Messages that carried no timestamp and took the stream time instead.</summary>
    public long UntimedMessages { get; set; }

    /// <summary>Rows released after a row with a later timestamp had been released.</summary>
    public long OutOfOrderReleases { get; set; }

    /// <summary>Messages stamped before the time bound that came after the partition's end (its first message at or past it): not released.</summary>
    public long InBoundAfterEnd { get; private set; }

    /// <summary>Messages the log no longer held when they were to be read: gone without being consumed.</summary>
    public long LostMessages { get; set; }

    /// <summary>Records a consumed message and says whether to hold it.</summary>
    public Delivery Consume(long offset, long timestampMs, long cutoffMs, long nowMs)
    {
        if (offset <= ConsumedOffset || offset <= _pastEndOffset)
        {
            return Delivery.Redelivered;
        }

        LastProgressMs = nowMs;
        AtEnd = false;
        if (Done || offset >= Spec.BoundOffset || timestampMs >= Spec.BoundMs)
        {
            // A message stamped inside the time bound after the end: the end stands (it was released up to), the message is counted.
            InBoundAfterEnd += Done && Spec.BoundMs != long.MaxValue && timestampMs < Spec.BoundMs ? 1 : 0;
            _pastEndOffset = offset;
            if (!Done)
            {
                Finish(offset);
            }

            return Delivery.PastEnd;
        }

        LastHeldIsLate = HasConsumed && timestampMs < StreamTimeMs - ReorderWindowMs;
        ConsumedOffset = offset;
        HasConsumed = true;
        LastConsumedTimestampMs = timestampMs;
        StreamTimeMs = Math.Max(StreamTimeMs, timestampMs);
        if (!CaughtUp && (offset >= Spec.EndOffset - 1 || timestampMs >= cutoffMs))
        {
            MarkCaughtUp();
        }

        if (offset >= Spec.BoundOffset - 1)
        {
            Finish(offset + 1);
        }

        return Delivery.Held;
    }

    /// <summary>
    /// The consumer reached the end of what the broker has. Past the captured end offset that is
    /// a catch-up, even when the last offsets were transaction markers that carry no message.
    /// </summary>
    public void EndOfPartition(long position, long nowMs)
    {
        LastProgressMs = nowMs;
        AtEnd = true;
        EndPosition = position;
        if (!CaughtUp && position >= Spec.EndOffset)
        {
            MarkCaughtUp();
        }

        if (!Done && position >= Spec.BoundOffset)
        {
            Finish(Spec.BoundOffset);
        }
    }

    /// <summary>A time bound the clock has passed ends a partition that is at the end of its log: anything produced later is stamped later.</summary>
    public void CheckClock(long nowMs)
    {
        if (!Done && AtEnd && nowMs >= Spec.BoundMs)
        {
            Finish(EndPosition);
        }
    }

    /// <summary>Every offset up to <paramref name="lastOffset"/> (inclusive) has been released.</summary>
    public void Released(long lastOffset)
    {
        ReleasedOffset = Math.Max(ReleasedOffset, lastOffset);
    }

    public void UpdateLive()
    {
        if (!IsLive && CaughtUp && (Buffer.Count == 0 || ReleasedOffset >= _catchUpOffset))
        {
            IsLive = true;
        }
    }

    private void Finish(long endOffset)
    {
        Done = true;
        EndBound = endOffset;
        if (!CaughtUp)
        {
            MarkCaughtUp();
        }
    }

    private void MarkCaughtUp()
    {
        CaughtUp = true;
        _catchUpOffset = ConsumedOffset;
    }
}
