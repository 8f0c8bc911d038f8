namespace TypedKafka.Engine;

/// <summary>Limits and the replay/live boundary of one engine.</summary>
/// <param name="CutoffMs">A partition that consumes a timestamp at or after this is caught up.</param>
/// <param name="BatchSize">At most this many messages are released per poll.</param>
/// <param name="MaxHeldMessages">Above this many buffered messages, partitions that run ahead are paused.</param>
/// <param name="MaxHeldBytes">Above this many buffered key and value bytes, partitions that run ahead are paused.</param>
internal sealed record EngineOptions(
    long CutoffMs,
    int BatchSize = EngineOptions.DefaultBatchSize,
    int MaxHeldMessages = EngineOptions.DefaultMaxHeldMessages,
    long MaxHeldBytes = EngineOptions.DefaultMaxHeldBytes)
{
    public const int DefaultBatchSize = ConsumerOptions.DefaultBatchSize;
    public const int DefaultMaxHeldMessages = ConsumerOptions.DefaultMaxHeldMessages;
    public const long DefaultMaxHeldBytes = ConsumerOptions.DefaultMaxHeldBytes;

    /// <summary>Live, how long a row may be held for order across partitions; null releases live rows on arrival.</summary>
    public long? LiveHoldMs { get; init; }

    /// <summary>During replay, a partition without progress for this long stops holding the watermark; null waits forever.</summary>
    public long? IdleTimeoutMs { get; init; }

    /// <summary>Messages are ordered by an event time given apart from the broker's timestamp; batches carry an <c>event_time</c> column.</summary>
    public bool EventTime { get; init; }

    /// <summary>Batches end with a <c>headers</c> column, from the headers delivered with each message.</summary>
    public bool Headers { get; init; }

    /// <summary>Replay at the recorded pace times this (1 = as recorded); null releases replayed rows as fast as they can be read.</summary>
    public double? PaceSpeed { get; init; }

    /// <summary>
    /// Within a partition, a message up to this far behind the partition's stream time is still
    /// released in timestamp order; one further behind keeps its offset position. 0 keeps offset order.
    /// </summary>
    public long MaxOutOfOrdernessMs { get; init; }

    /// <summary>
    /// The bytes of each chunk of the engine's <see cref="ArrivalLog"/>; tests make it small, so that
    /// the log comes round often and rows still held move out of it.
    /// </summary>
    public int LogChunkBytes { get; init; } = BufferPools.ChunkSize;

    /// <summary>Paused partitions resume once the buffer drains below this fraction of both bounds.</summary>
    public const double ResumeFraction = 0.5;

    public void Validate()
    {
        if (BatchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "batchSize must be positive.");
        }

        if (MaxHeldMessages <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeldMessages), MaxHeldMessages, "The held-message bound must be positive.");
        }

        if (LiveHoldMs is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(LiveHoldMs), LiveHoldMs, "The live hold must be zero or more.");
        }

        if (MaxOutOfOrdernessMs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxOutOfOrdernessMs), MaxOutOfOrdernessMs, "The reorder window must be zero or more.");
        }

        if (IdleTimeoutMs is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(IdleTimeoutMs), IdleTimeoutMs, "The idle timeout must be positive.");
        }

        if (PaceSpeed is { } speed && !(speed > 0 && double.IsFinite(speed)))
        {
            throw new ArgumentOutOfRangeException(nameof(PaceSpeed), PaceSpeed, "The pace must be a positive, finite speed.");
        }

        if (MaxHeldBytes <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxHeldBytes), MaxHeldBytes, "The held-byte bound must be positive.");
        }
    }
}
