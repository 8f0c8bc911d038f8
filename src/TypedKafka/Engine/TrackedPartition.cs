using System.Buffers;
using System.Text;

namespace TypedKafka.Engine;

/// <summary>The engine's view of one partition: what it holds and how far it got.</summary>
internal sealed class TrackedPartition(PartitionSpec spec, int topicIndex, ChunkPool chunkPool)
{
    public PartitionSpec Spec { get; } = spec;

    /// <summary>Position of the topic in the consumer's topic list; breaks timestamp ties.</summary>
    public int TopicIndex { get; } = topicIndex;

    public byte[] TopicUtf8 { get; } = Encoding.UTF8.GetBytes(spec.Topic);

    public PartitionBuffer Buffer { get; } = new(chunkPool);

    /// <summary>Last offset consumed (inclusive); <c>StartOffset - 1</c> before the first.</summary>
    public long ConsumedOffset { get; private set; } = spec.StartOffset - 1;

    /// <summary>Last offset released (inclusive); <c>StartOffset - 1</c> before the first.</summary>
    public long ReleasedOffset { get; private set; } = spec.StartOffset - 1;

    public bool HasConsumed { get; private set; }

    /// <summary>Largest timestamp consumed so far; meaningful once <see cref="HasConsumed"/>.</summary>
    public long StreamTimeMs { get; private set; } = long.MinValue;

    public long? LastConsumedTimestampMs { get; private set; }

    /// <summary>Consumption reached the end of the replay range or the cutoff. Never goes back.</summary>
    public bool CaughtUp { get; private set; } = spec.StartOffset >= spec.EndOffset;

    /// <summary>Caught up, and everything consumed up to that point released. Never goes back.</summary>
    public bool IsLive { get; private set; } = spec.StartOffset >= spec.EndOffset;

    public bool IsPaused { get; set; }

    /// <summary>Messages that carried no timestamp and took the stream time instead.</summary>
    public long UntimedMessages { get; set; }

    /// <summary>Messages taken from the front by the release in progress.</summary>
    public int Taken { get; set; }

    /// <summary>Key and value bytes of the messages taken by the release in progress.</summary>
    public long TakenBytes { get; set; }

    // The consumed offset at the moment the partition caught up: once released, it is live.
    private long _catchUpOffset = spec.StartOffset - 1;

    /// <summary>Records a consumed message; false for an offset already consumed (a redelivery), which is ignored.</summary>
    public bool Consume(long offset, long timestampMs, long cutoffMs)
    {
        if (offset <= ConsumedOffset)
        {
            return false;
        }

        ConsumedOffset = offset;
        HasConsumed = true;
        LastConsumedTimestampMs = timestampMs;
        StreamTimeMs = Math.Max(StreamTimeMs, timestampMs);
        if (!CaughtUp && (offset >= Spec.EndOffset - 1 || timestampMs >= cutoffMs))
        {
            MarkCaughtUp();
        }

        return true;
    }

    /// <summary>
    /// The consumer reached the end of what the broker has. Past the captured end offset that is
    /// a catch-up, even when the last offsets were transaction markers that carry no message.
    /// </summary>
    public void EndOfPartition(long position)
    {
        if (!CaughtUp && position >= Spec.EndOffset)
        {
            MarkCaughtUp();
        }
    }

    public void Released(long lastOffset)
    {
        ReleasedOffset = lastOffset;
    }

    public void UpdateLive()
    {
        if (!IsLive && CaughtUp && (Buffer.Count == 0 || ReleasedOffset >= _catchUpOffset))
        {
            IsLive = true;
        }
    }

    private void MarkCaughtUp()
    {
        CaughtUp = true;
        _catchUpOffset = ConsumedOffset;
    }
}
