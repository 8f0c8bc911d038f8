namespace TypedKafka.Engine;

/// <summary>What a partition held when the engine let it go: its spec, how far it was released, and the held rows dropped with it.</summary>
internal readonly record struct RemovedPartition(PartitionSpec Spec, long ReleasedOffset, int DroppedMessages);

/// <summary>
/// Partitions that come and go while the engine runs: a consumer group moves partitions between
/// its members, and a topic can gain partitions. Both are inputs like a delivery, so the rules
/// stay those of one engine over the partitions it holds now.
/// </summary>
internal sealed partial class OrderedMergeEngine
{
    /// <summary>Rows that were held, not released, when their partition was removed (another reader takes them from its committed offset).</summary>
    public long DroppedOnRemoval { get; private set; }

    public bool Holds(string topic, int partition) => _indexes.ContainsKey((topic, partition));

    /// <summary>
    /// Starts reading a partition with the replay range <c>[StartOffset, EndOffset)</c> captured now.
    /// Until it has delivered something (or reached its end) the replay watermark is unknown, as for
    /// any partition: its rows may be the oldest of all. A partition gained while live takes the
    /// engine back into replay until it catches up, so order over the partitions held is kept.
    /// Indexes of the other partitions may change.
    /// </summary>
    public void AddPartition(PartitionSpec spec)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (spec.StartOffset > spec.EndOffset)
        {
            throw new ArgumentException($"Partition {spec.Topic}[{spec.Partition}]: replay start offset {spec.StartOffset} is past its end offset {spec.EndOffset}.", nameof(spec));
        }

        if (_indexes.ContainsKey((spec.Topic, spec.Partition)))
        {
            throw new ArgumentException($"Partition {spec.Topic}[{spec.Partition}] is already read.", nameof(spec));
        }

        var topicIndex = TopicIndexOf(spec.Topic);
        var tracked = new TrackedPartition(spec, topicIndex, _topicNames[topicIndex], _pools, _log, _options.MaxOutOfOrdernessMs);
        if (_nowMs != long.MinValue)
        {
            // Waiting for its progress (the idle timeout) counts from now.
            tracked.LastProgressMs = _nowMs;
        }

        _caughtUpCount += tracked.CaughtUp ? 1 : 0;
        Replace([.. _partitions, tracked]);
    }

    /// <summary>
    /// Stops reading a partition: its held rows are dropped, never released. The result says how
    /// far it was released, so that the consumer can commit exactly that before letting it go.
    /// Indexes of the other partitions may change.
    /// </summary>
    public RemovedPartition RemovePartition(string topic, int partition)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_indexes.TryGetValue((topic, partition), out var index))
        {
            throw new ArgumentException($"Partition {topic}[{partition}] is not one this engine reads.", nameof(partition));
        }

        var tracked = _partitions[index];
        var dropped = tracked.Buffer.Count;
        HeldMessageCount -= dropped;
        HeldBytes -= tracked.Buffer.Bytes;
        DroppedOnRemoval += dropped;
        _caughtUpCount -= tracked.CaughtUp ? 1 : 0;
        PausedPartitionCount -= tracked.IsPaused ? 1 : 0;
        var removed = new RemovedPartition(tracked.Spec, tracked.ReleasedOffset, dropped);
        tracked.Buffer.Dispose();
        Replace([.. _partitions.Where(p => p != tracked)]);
        return removed;
    }

    /// <summary>Changes with every partition added or removed: what indexes mean is then different.</summary>
    public int PartitionSetVersion { get; private set; }

    /// <summary>Puts partitions in index order, (topic index, partition): the merge breaks timestamp ties on the index.</summary>
    private static void SortInIndexOrder(TrackedPartition[] partitions) => Array.Sort(partitions, IndexOrder);

    private static int IndexOrder(TrackedPartition a, TrackedPartition b) =>
        a.TopicIndex != b.TopicIndex ? a.TopicIndex.CompareTo(b.TopicIndex) : a.Spec.Partition.CompareTo(b.Spec.Partition);

    /// <summary>Installs a new partition set, put in index order.</summary>
    private void Replace(TrackedPartition[] partitions)
    {
        SortInIndexOrder(partitions);
        _partitions = partitions;
        PartitionSetVersion++;
        _indexes.Clear();
        for (var i = 0; i < partitions.Length; i++)
        {
            _indexes.Add((partitions[i].Spec.Topic, partitions[i].Spec.Partition), i);
        }

        _bounded = partitions.All(p => p.Spec.IsBounded);
        Reindex();

        // The last release's pause and resume decisions name indexes that no longer hold; the
        // partitions keep their paused flags, and the next release decides again.
        _toPause.Clear();
        _toResume.Clear();
        UpdateLive();
    }
}
